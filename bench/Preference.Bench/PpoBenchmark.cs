using Preference.Training.Common;
using Preference.Training.Ppo;
using Preference.Training.Rewards;
using TorchSharp;

namespace Preference.Bench;

/// <summary>PPO throughput on the bundled stories260K at batch 64 × 64 new tokens, with the time split per phase.</summary>
public sealed class PpoBenchmark : IBenchmark
{
    public string Name => "ppo";
    public string Description => "PPO samples/s and generate/score/train seconds per step (stories260K, batch 64 x 64 tokens); args: [steps=4]";

    public async Task RunAsync(string[] args, CancellationToken cancellationToken)
    {
        int steps = args.Length > 0 ? int.Parse(args[0]) : 4;
        var directory = Path.Combine(Path.GetTempPath(), "pref-bench-ppo-" + Guid.NewGuid().ToString("N"));
        var config = new PpoConfig
        {
            Prompts = ["Once upon a time, there was a little girl named Lily.", "One day, a boy named Tim went to the park."],
            TotalEpisodes = (steps + 1) * 64,
            PerDeviceTrainBatchSize = 16,
            NumMiniBatches = 2,
            NumPpoEpochs = 4,
            ResponseLength = 64,
            Temperature = 1.0,
            StopTokenId = 1,
            SaveSteps = 1_000,
            SampleSteps = 0,
            Optimizer = new OptimizerConfig { LearningRate = 3e-4, GradientAccumulationSteps = 2 },
            Rewards = [new RewardSpec { Kind = "keyword", Keyword = "dog" }],
        };
        try
        {
            using var models = PpoModels.Load(null, null, torch.CPU, config.Seed);
            var trainer = new PpoTrainer(config, models, RewardSources.Build(config.Rewards), config.Prompts, new RunDirectory(directory));
            await trainer.TrainAsync(resume: false, cancellationToken);
            // The first step pays for warm-up; the rest are measured.
            var rows = JsonlMetricsSink.Read(Path.Combine(directory, "metrics.jsonl")).Skip(1).ToList();
            double Mean(string name) => rows.Average(r => r.GetProperty(name).GetDouble());
            int threads = torch.get_num_threads();
            Console.WriteLine("| what | size | threads | number | unit |");
            Console.WriteLine("|---|---|---|---|---|");
            double total = Mean("time/generate") + Mean("time/score") + Mean("time/train");
            Console.WriteLine($"| PPO step throughput | 64 x 64 tokens, {rows.Count} steps | {threads} | {64 / total:F1} | samples/s |");
            foreach (var phase in new[] { "generate", "score", "train" })
                Console.WriteLine($"| {phase} per step | 64 x 64 tokens | {threads} | {Mean("time/" + phase):F2} | s ({100 * Mean("time/" + phase) / total:F0}%) |");
        }
        finally
        {
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
    }
}
