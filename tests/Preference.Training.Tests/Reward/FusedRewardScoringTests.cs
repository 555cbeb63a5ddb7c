using Preference.Models.Lora;
using Preference.Training.Reward.Modeling;
using Preference.Training.Reward.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Preference.Training.Tests.Reward;

/// <summary>
/// Scoring on the CPU runs the reward model fused (every window unpadded, heads read in C#) and gives the rewards of
/// the padded torch forward; where the trunk cannot run fused, scoring stays on the torch path.
/// </summary>
public sealed class FusedRewardScoringTests
{
    const float Tolerance = 1e-4f;

    // Lengths from a few tokens to past the window (cut from the front), an empty completion, with and without a reference.
    static readonly (string Prompt, string Completion, string? Reference)[] Inputs =
    [
        ("Once upon a time,", " Lily saw a big dog.", null),
        ("Tom had a ball.", "", null),
        ("Once upon a time, there was a little girl named Lily. She loved to play outside in the park with her mom.",
            " One day she found a shiny red ball under a tree and she was very happy. She played with it all day long.", "Lily found a ball."),
        ("Sue", " ran.", "Sue ran home."),
        (string.Join(" ", Enumerable.Repeat("The sun was warm and the birds sang in the big green tree.", 12)), " The end.", null),
        ("The cat sat.", " It was a sunny day and the cat was happy to sit in the sun with the dog.", "The cat sat in the sun."),
    ];

    [Theory]
    [InlineData(RewardPooling.Last, RewardFeatures.None)]
    [InlineData(RewardPooling.LastAndMean, RewardFeatures.Grounding)]
    [InlineData(RewardPooling.LastAndMean, RewardFeatures.GroundingReference)]
    public void Fused_rewards_equal_the_padded_torch_forward_on_the_bundled_model(RewardPooling pooling, RewardFeatures features)
    {
        using var dir = new TempDirectory();
        using var model = BundledModel(dir, pooling, features);
        Assert.Null(FusedRewardScoring.WhyNot(model.Network));

        var fused = model.Score(Inputs);
        model.UseFusedCpuPath = false;
        var torchRewards = model.Score(Inputs, batchSize: 4); // padded batches of mixed lengths

        AssertClose(torchRewards, fused);
        Assert.True(fused.Distinct().Count() == fused.Length, "every input should get its own reward, or the comparison proves little");
    }

    [Fact]
    public void A_score_read_at_the_last_token_other_than_the_pad_matches_the_torch_forward()
    {
        using var dir = new TempDirectory();
        using var bundled = BundledModel(dir, RewardPooling.Last, RewardFeatures.None);
        int eos = bundled.Tokenizer.EosId;
        // A classifier trained elsewhere whose pad is the EOS every window ends with: the score moves one token back.
        var network = new RewardNetwork(bundled.Network.Trunk, RewardPooling.Last) { ScoreAtLastTokenOtherThan = eos };
        using (no_grad()) network.Score.Weight.copy_(bundled.Network.Score.Weight);
        var model = new RewardModel(network, bundled.Window);

        var fused = model.Score(Inputs);
        model.UseFusedCpuPath = false;
        AssertClose(model.Score(Inputs), fused);
        Assert.NotEqual(bundled.Score(Inputs)[0], fused[0], 3);
    }

    [Fact]
    public void An_active_lora_adapter_keeps_the_torch_path_and_its_rewards()
    {
        using var dir = new TempDirectory();
        using var model = BundledModel(dir, RewardPooling.LastAndMean, RewardFeatures.None);
        var before = model.Score(Inputs);
        LoraAdapters.Apply(model.Network.Trunk, new LoraConfig { Rank = 4, Alpha = 8, TargetModules = ["q_proj", "v_proj", "down_proj"] });
        using (no_grad())
        {
            var generator = new Generator(9);
            foreach (var (_, layer) in model.Network.Trunk.Adapters()) layer.LoraB.copy_(randn(layer.LoraB.shape, generator: generator));
        }

        Assert.Contains("LoRA", FusedRewardScoring.WhyNot(model.Network));
        var adapted = model.Score(Inputs);
        model.UseFusedCpuPath = false;
        Assert.Equal(model.Score(Inputs), adapted);
        // The fused path ignoring the adapter would have given the base rewards.
        Assert.Contains(before.Zip(adapted), p => Math.Abs(p.First - p.Second) > 100 * Tolerance);
    }

    [Fact]
    public void An_empty_request_scores_nothing()
    {
        using var dir = new TempDirectory();
        using var model = BundledModel(dir, RewardPooling.Last, RewardFeatures.None);
        Assert.Empty(model.Score(Array.Empty<(string, string, string?)>()));
    }

    /// <summary>The bundled stories260K trunk with every head given random weights, so each one moves the reward.</summary>
    static RewardModel BundledModel(TempDirectory dir, RewardPooling pooling, RewardFeatures features)
    {
        var config = new RewardConfig
        {
            TrainFile = "synthetic", BaseModel = RewardModelFactory.Bundled, MaxLength = 64, Pooling = pooling, Features = features,
        };
        var pairs = GroundedPreferences.SupportedWins(12, seed: 3).Select(p => p with { Reference = p.Chosen }).ToList();
        var model = RewardModelFactory.Create(config, pairs, dir.Path, CPU);
        using var noGrad = no_grad();
        var generator = new Generator(11);
        model.Network.Score.Weight.copy_(randn(model.Network.Score.Weight.shape, generator: generator));
        model.Network.PooledScore?.Weight.copy_(randn(model.Network.PooledScore.Weight.shape, generator: generator));
        model.Network.FeatureScore?.Weight.copy_(randn(model.Network.FeatureScore.Weight.shape, generator: generator));
        return model;
    }

    static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) < Tolerance, $"input {i}: torch {expected[i]}, fused {actual[i]}");
    }
}
