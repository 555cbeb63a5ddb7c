using Preference.Training.Reward.Data;
using Preference.Training.Reward.Export;
using Preference.Training.Reward.Modeling;
using Preference.Training.Reward.Training;
using TorchSharp;

namespace Preference.Cli.Tests.Reward;

/// <summary>
/// A real reward-model directory small enough to build in a test: a one-layer scratch trunk with its own tokenizer,
/// warm-started from the pairs (the feature head's logistic fit when <paramref name="features"/> asks for one).
/// </summary>
public static class TinyRewardModel
{
    public static string Save(string directory, IReadOnlyList<RewardPair> pairs, RewardFeatures features = RewardFeatures.None)
    {
        var config = new RewardConfig
        {
            TrainFile = "synthetic", BaseModel = "scratch", Features = features, MaxLength = 48,
            Scratch = new ScratchModel { VocabSize = 300, HiddenSize = 16, Layers = 1, Heads = 2, IntermediateSize = 32 },
        };
        using var model = RewardModelFactory.Create(config, pairs, Path.Combine(directory, "tokenizer"), torch.CPU);
        var path = Path.Combine(directory, "model");
        RewardModelDirectory.Save(model, path, "scratch");
        return path;
    }
}
