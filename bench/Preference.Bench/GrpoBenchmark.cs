using Preference.Training.Common;
using Preference.Training.Grpo;
using Preference.Training.Ppo;
using Preference.Training.Rewards;
using TorchSharp;

namespace Preference.Bench;

/// <summary>
/// A GRPO step beside a PPO step in one run, on the same batch: 8 prompts × 8 completions of 64 tokens on the bundled
/// stories260K, the same reward and threads. PPO trains its policy and separate value model for 4 epochs in 2
/// minibatches (TRL's defaults, as configs/ppo-stories.yaml); GRPO has no value model and takes num_iterations
/// optimizer steps (1 = TRL's default; 2 = configs/grpo-stories.yaml). Prints samples/s and the generate/score/train split.
/// </summary>
public sealed class GrpoBenchmark : IBenchmark
{
    static readonly string[] Prompts =
    [
        "Once upon a time, there was a little girl named Lily.", "One day, a boy named Tim went to the park.",
        "Once upon a time, there was a big tree in the forest.", "Sara liked to play with her red ball.",
        "Once upon a time, there was a small boat.", "Tom wanted to go to the beach.",
        "One day, Anna found a shiny rock.", "Ben and Mia were best friends.",
    ];

    public string Name => "grpo";
    public string Description => "GRPO vs PPO samples/s and generate/score/train seconds per step on the same 8 prompts x 8 completions x 64 tokens (stories260K); args: [steps=4] [threads=cores]";

    public async Task RunAsync(string[] args, CancellationToken cancellationToken)
    {
        int steps = args.Length > 0 ? int.Parse(args[0]) : 4;
        if (args.Length > 1) torch.set_num_threads(int.Parse(args[1]));
        var rewards = new List<RewardSpec> { new() { Kind = "keyword", Keyword = "dog" }, new() { Kind = "keyword", Keyword = "happy" } };
        Console.WriteLine("| what | size | threads | number | unit |");
        Console.WriteLine("|---|---|---|---|---|");

        var ppo = new PpoConfig
        {
            Prompts = [.. Prompts],
            TotalEpisodes = (steps + 1) * 64,
            PerDeviceTrainBatchSize = 16,
            NumMiniBatches = 2,
            NumPpoEpochs = 4,
            ResponseLength = 64,
            Temperature = 1.0,
            StopTokenId = 1,
            SaveSteps = 1_000,
            SampleSteps = 0,
            Optimizer = new OptimizerConfig { LearningRate = 1e-4, GradientAccumulationSteps = 2 },
            Rewards = rewards,
        };
        await MeasureAsync("PPO step, separate value model, 4 epochs", steps, async directory =>
        {
            using var models = PpoModels.Load(ppo, torch.CPU);
            await new PpoTrainer(ppo, models, RewardSources.Build(ppo.Rewards), ppo.Prompts, new RunDirectory(directory)).TrainAsync(false, cancellationToken: cancellationToken);
        });

        foreach (var (iterations, beta) in new[] { (1, 0.0), (1, 0.04), (2, 0.04) })
        {
            var grpo = new GrpoConfig
            {
                Prompts = [.. Prompts],
                MaxSteps = steps + 1,
                PerDeviceTrainBatchSize = 16,
                NumGenerations = 8,
                NumIterations = iterations,
                Beta = beta,
                MaxCompletionLength = 64,
                StopTokenId = 1,
                SaveSteps = 1_000,
                SampleSteps = 0,
                Optimizer = new OptimizerConfig { LearningRate = 1e-4, GradientAccumulationSteps = 4 },
                Rewards = rewards,
            };
            await MeasureAsync($"GRPO step, num_iterations {iterations}, beta {beta}{(beta == 0 ? " (no reference)" : "")}", steps, async directory =>
            {
                using var models = GrpoModels.Load(grpo, torch.CPU);
                await new GrpoTrainer(grpo, models, RewardSources.Build(grpo.Rewards), grpo.Prompts, new RunDirectory(directory)).TrainAsync(false, cancellationToken: cancellationToken);
            });
        }
    }

    static async Task MeasureAsync(string what, int steps, Func<string, Task> train)
    {
        var directory = Path.Combine(Path.GetTempPath(), "pref-bench-grpo-" + Guid.NewGuid().ToString("N"));
        try
        {
            await train(directory);
            // The first step pays for warm-up; the rest are measured (step 0 is the setup/ row).
            var rows = JsonlMetricsSink.Read(Path.Combine(directory, "metrics.jsonl")).Where(r => r.GetProperty("step").GetInt64() > 1).ToList();
            double Mean(string name) => rows.Average(r => r.GetProperty(name).GetDouble());
            double total = Mean("time/generate") + Mean("time/score") + Mean("time/train");
            int threads = torch.get_num_threads();
            string size = $"8 prompts x 8 completions x 64 tokens, {rows.Count} steps";
            Console.WriteLine($"| {what} | {size} | {threads} | {64 / total:F1} | samples/s |");
            foreach (var phase in new[] { "generate", "score", "train" })
                Console.WriteLine($"| {what}: {phase} | {size} | {threads} | {Mean("time/" + phase):F2} | s ({100 * Mean("time/" + phase) / total:F0}%) |");
        }
        finally
        {
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
    }
}
