using Preference.Models.Lora;
using Preference.Training.Estimation;

namespace Preference.Training.Tests.Sft;

public class MemoryEstimateTests
{
    static readonly ModelSizing Stories = ModelSizing.Read(null);

    [Fact]
    public void Full_fine_tuning_pays_gradients_and_two_adam_moments_for_every_weight()
    {
        var estimate = MemoryEstimate.For(Stories, batchSize: 32, sequenceLength: 256, lora: null);

        Assert.Equal(260_032, Stories.Parameters);
        Assert.Equal(260_032L * 4, estimate.Weights);
        Assert.Equal(260_032L * 4, estimate.Gradients);
        Assert.Equal(260_032L * 8, estimate.OptimizerState);
        Assert.Equal(estimate.Weights + estimate.Gradients + estimate.OptimizerState + estimate.Activations, estimate.Total);
    }

    [Fact]
    public void Lora_pays_only_for_the_adapters_it_adds()
    {
        var estimate = MemoryEstimate.For(Stories, 32, 256, new LoraConfig { Rank = 8, TargetModules = ["q_proj", "v_proj"] });

        long adapters = 5 * (8 * (64 + 64) + 8 * (64 + 32)); // q_proj [64, 64], v_proj [32, 64] in 5 layers
        Assert.Equal(adapters, estimate.TrainableParameters);
        Assert.Equal(adapters * 4, estimate.Gradients);
        Assert.Equal((260_032L + adapters) * 4, estimate.Weights);
    }

    [Fact]
    public void Activations_grow_with_batch_and_faster_than_linearly_with_sequence_length()
    {
        var small = MemoryEstimate.For(Stories, 8, 128, null).Activations;
        Assert.Equal(2 * small, MemoryEstimate.For(Stories, 16, 128, null).Activations);
        Assert.True(MemoryEstimate.For(Stories, 8, 256, null).Activations > 2 * small);
    }

    [Fact]
    public void Freezing_layers_removes_their_share_of_trainable_weights()
    {
        var full = MemoryEstimate.For(Stories, 8, 128, null);
        var frozen = MemoryEstimate.For(Stories, 8, 128, null, frozenLayers: 2);
        Assert.Equal(2 * Stories.LayerParameters / 5, full.TrainableParameters - frozen.TrainableParameters);
    }
}
