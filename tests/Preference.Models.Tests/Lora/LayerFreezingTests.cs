using Preference.Models.Freezing;
using Preference.Models.Loading;

namespace Preference.Models.Tests.Lora;

// Beside the LoRA tests because both decide which parameters train.
public class LayerFreezingTests
{
    [Fact]
    public void Freezing_the_first_two_layers_leaves_later_layers_and_the_final_norm_trainable()
    {
        using var model = Llama2cCheckpoint.Load(Stories260K.Model);
        int frozen = LayerFreezing.FreezeFirstLayers(model, 2);

        var parameters = model.named_parameters().ToList();
        Assert.Equal(2 * 9, frozen); // 7 projections + 2 norms per layer
        Assert.All(parameters.Where(p => p.name.StartsWith("model.layers.0.") || p.name.StartsWith("model.layers.1.")),
            p => Assert.False(p.parameter.requires_grad, p.name));
        Assert.All(parameters.Where(p => !p.name.StartsWith("model.layers.0.") && !p.name.StartsWith("model.layers.1.")),
            p => Assert.True(p.parameter.requires_grad, p.name));
    }

    [Fact]
    public void Freezing_embeddings_freezes_only_the_token_embedding()
    {
        using var model = Llama2cCheckpoint.Load(Stories260K.Model);
        Assert.Equal(1, LayerFreezing.FreezeEmbeddings(model));
        Assert.Equal(["model.embed_tokens.weight"],
            model.named_parameters().Where(p => !p.parameter.requires_grad).Select(p => p.name).ToArray());
    }

    [Fact]
    public void Freezing_more_layers_than_the_model_has_is_refused()
    {
        using var model = Llama2cCheckpoint.Load(Stories260K.Model);
        var error = Assert.Throws<ArgumentException>(() => LayerFreezing.FreezeFirstLayers(model, 6));
        Assert.StartsWith("freeze_layers is 6 but the model has 5 layers", error.Message);
        Assert.All(model.parameters(), p => Assert.True(p.requires_grad));
    }
}
