using Preference.Models.Lora;
using Preference.Training.Common;
using Preference.Training.Ppo;
using Preference.Training.Rewards;
using TorchSharp;

namespace Preference.Bench;

/// <summary>
/// PPO throughput on the bundled stories260K at batch 64 × 64 new tokens, with the time split per phase, for the
/// default separate value model and for the cheaper variants (value head on the policy's trunk; LoRA policy).
/// </summary>
public sealed class PpoBenchmark : IBenchmark
{
    static readonly string[] Variants = ["separate", "shared", "lora"];

    public string Name => "ppo";
    public string Description => "PPO samples/s and generate/score/train seconds per step (stories260K, batch 64 x 64 tokens); args: [steps=4] [separate|shared|lora|all=all] [threads=cores]";

    public async Task RunAsync(string[] args, CancellationToken cancellationToken)
    {
        int steps = args.Length > 0 ? int.Parse(args[0]) : 4;
        string which = args.Length > 1 ? args[1] : "all";
        if (which != "all" && !Variants.Contains(which)) throw new ArgumentException($"variant '{which}': use {string.Join(", ", Variants)} or all");
        if (args.Length > 2) torch.set_num_threads(int.Parse(args[2]));
        Console.WriteLine("| what | size | threads | number | unit |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (var variant in Variants.Where(v => which == "all" || v == which))
            await RunVariantAsync(variant, steps, cancellationToken);
    }

    static async Task RunVariantAsync(string variant, int steps, CancellationToken cancellationToken)
    {
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
            SharedValueTrunk = variant == "shared",
            Lora = variant == "lora" ? new LoraConfig { Rank = 8, TargetModules = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"] } : null,
            Optimizer = new OptimizerConfig { LearningRate = 3e-4, GradientAccumulationSteps = 2 },
            Rewards = [new RewardSpec { Kind = "keyword", Keyword = "dog" }],
        };
        try
        {
            using var models = PpoModels.Load(config, torch.CPU);
            var trainer = new PpoTrainer(config, models, RewardSources.Build(config.Rewards), config.Prompts, new RunDirectory(directory));
            await trainer.TrainAsync(resume: false, cancellationToken: cancellationToken);
            // The first step pays for warm-up; the rest are measured (step 0 is the setup/ row).
            var rows = JsonlMetricsSink.Read(Path.Combine(directory, "metrics.jsonl")).Where(r => r.GetProperty("step").GetInt64() > 1).ToList();
            double Mean(string name) => rows.Average(r => r.GetProperty(name).GetDouble());
            int threads = torch.get_num_threads();
            double total = Mean("time/generate") + Mean("time/score") + Mean("time/train");
            string size = $"64 x 64 tokens, {variant} value/policy, {rows.Count} steps";
            Console.WriteLine($"| PPO step throughput | {size} | {threads} | {64 / total:F1} | samples/s |");
            foreach (var phase in new[] { "generate", "score", "train" })
                Console.WriteLine($"| {phase} per step | {size} | {threads} | {Mean("time/" + phase):F2} | s ({100 * Mean("time/" + phase) / total:F0}%) |");
        }
        finally
        {
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
    }
}
