using Preference.Training.Common;
using Preference.Training.Ppo;
using Preference.Training.Rewards;
using TorchSharp;

namespace Preference.Training.Tests.Ppo;

/// <summary>
/// A PPO run on the bundled stories260K small enough for CI (about a second per step on 2 idle cores): reward
/// continuations that mention "she" or "her", which the model writes in under half of them for these prompts.
/// </summary>
static class SmallPpoRun
{
    public static readonly string[] Prompts =
    [
        "Once upon a time, there was a little girl named Lily.",
        "One day, a boy named Tim went to the park.",
        "There was a big cat who lived in a house.",
        "Once upon a time, there was a small bird.",
        "Tom and Sue were playing with a ball.",
        "One day, Mia found a red box.",
        "Once upon a time, there was a kind old man.",
        "Ben had a toy car that he loved.",
    ];

    public static PpoConfig Config(int steps = 10) => new()
    {
        Prompts = [.. Prompts],
        TotalEpisodes = steps * 16,
        PerDeviceTrainBatchSize = 8,
        NumMiniBatches = 2,
        NumPpoEpochs = 2,
        ResponseLength = 16,
        Temperature = 1.0,
        KlCoef = 0.05,
        Seed = 7,
        SaveSteps = 2,
        SampleSteps = 0,
        Optimizer = new OptimizerConfig { LearningRate = 5e-4, Schedule = LearningRateScheduleKind.Constant },
        Rewards = [new RewardSpec { Kind = "regex", Pattern = @"\b(she|her)\b" }],
    };

    public static PpoTrainer Trainer(PpoConfig config, string directory, out PpoModels models, double advantageSign = 1, long? stopAfter = null)
    {
        // One thread: under a loaded CI box, two OpenMP threads waiting on each other run many times slower.
        torch.set_num_threads(1);
        models = PpoModels.Load(null, null, torch.CPU, config.Seed);
        return new PpoTrainer(config, models, RewardSources.Build(config.Rewards), config.Prompts, new RunDirectory(directory))
        {
            AdvantageSign = advantageSign,
            StopAfterStep = stopAfter,
        };
    }

    public static IReadOnlyList<double> Series(string directory, string metric) =>
        JsonlMetricsSink.Read(Path.Combine(directory, "metrics.jsonl")).Select(row => row.GetProperty(metric).GetDouble()).ToList();
}
