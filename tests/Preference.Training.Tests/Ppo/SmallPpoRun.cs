using System.Text.Json;
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

    public static PpoTrainer Trainer(PpoConfig config, string directory, out PpoModels models, double advantageSign = 1)
    {
        // One thread: under a loaded CI box, two OpenMP threads waiting on each other run many times slower.
        torch.set_num_threads(1);
        models = PpoModels.Load(config, torch.CPU);
        return new PpoTrainer(config, models, RewardSources.Build(config.Rewards), config.Prompts, new RunDirectory(directory))
        {
            AdvantageSign = advantageSign,
        };
    }

    /// <summary>
    /// Trains until <paramref name="step"/> has finished and stops there as a kill would: the training loop sees the
    /// cancellation before its next step, so nothing after that step's checkpoint (if any) is kept.
    /// </summary>
    public static async Task StopAfterAsync(long step, Func<IProgress<TrainingProgress>, CancellationToken, Task> train)
    {
        using var stop = new CancellationTokenSource();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            train(new InlineProgress(p => { if (p.Step == step) stop.Cancel(); }), stop.Token));
    }

    /// <summary>The same run training LoRA adapters (all attention and MLP projections) at a LoRA-sized learning rate.</summary>
    public static PpoConfig LoraConfig(int steps = 10) => Config(steps) with
    {
        Lora = new Preference.Models.Lora.LoraConfig { Rank = 4, Alpha = 8, TargetModules = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"] },
        Optimizer = new OptimizerConfig { LearningRate = 3e-3, Schedule = LearningRateScheduleKind.Constant },
    };

    public static IReadOnlyList<double> Series(string directory, string metric) =>
        JsonlMetricsSink.Read(Path.Combine(directory, "metrics.jsonl")).Where(row => row.GetProperty("step").GetInt64() > 0)
            .Select(row => row.GetProperty(metric).GetDouble()).ToList();

    /// <summary>Every step's metric row (not step 0's setup/ sizes) except wall-clock timings, as exact doubles.</summary>
    public static List<SortedDictionary<string, double>> MetricRows(string directory) =>
        File.ReadLines(Path.Combine(directory, "metrics.jsonl")).Where(line => JsonDocument.Parse(line).RootElement.GetProperty("step").GetInt64() > 0).Select(line =>
        {
            var row = new SortedDictionary<string, double>(StringComparer.Ordinal);
            foreach (var property in JsonDocument.Parse(line).RootElement.EnumerateObject())
                if (property.Value.ValueKind == JsonValueKind.Number && !property.Name.StartsWith("time/") && !property.Name.StartsWith("perf/"))
                    row[property.Name] = property.Value.GetDouble();
            return row;
        }).ToList();
}
