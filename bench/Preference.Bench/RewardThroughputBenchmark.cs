using System.Diagnostics;
using Preference.Training.Common;
using Preference.Training.Reward.Data;
using Preference.Training.Reward.Modeling;
using Preference.Training.Reward.Training;
using TorchSharp;

namespace Preference.Bench;

/// <summary>
/// Reward-model training speed: pairs per second through forward, backward and AdamW for a fixed batch of pairs at a
/// fixed length, on the bundled stories260K trunk, the default scratch model, and the qa-feedback shape (scratch with a
/// mean-pooled head and the grounding-feature head). Args: [batch] [length] [steps] [threads]. Prints the machine's load average
/// before and after, since on a shared machine the numbers mean little without it.
/// </summary>
public sealed class RewardThroughputBenchmark : IBenchmark
{
    public string Name => "rm-throughput";
    public string Description => "reward-model training pairs/s (forward+backward+AdamW) at a given batch and length";

    public Task RunAsync(string[] args, CancellationToken cancellationToken)
    {
        int batch = args.Length > 0 ? int.Parse(args[0]) : 16;
        int length = args.Length > 1 ? int.Parse(args[1]) : 256;
        int steps = args.Length > 2 ? int.Parse(args[2]) : 5;
        if (args.Length > 3) torch.set_num_threads(int.Parse(args[3]));
        int threads = torch.get_num_threads();
        // Text long enough to fill the window after truncation, so every row has exactly `length` tokens.
        var words = string.Join(" ", Enumerable.Range(0, length * 4).Select(i => $"word{i % 97} and more {i % 13}"));
        var pairs = Enumerable.Range(0, batch).Select(i => new RewardPair($"p{i}", $"Question {i}?", words + " yes", words + " no")).ToList();
        Console.WriteLine($"load average before: {LoadAverage()}");
        Console.WriteLine($"{"what",-36} {"size",-22} {"threads",7} {"number",10} unit");
        var shapes = new (string Name, RewardConfig Config)[]
        {
            (RewardModelFactory.Bundled, Shape(RewardModelFactory.Bundled)),
            (RewardModelFactory.Scratch, Shape(RewardModelFactory.Scratch)),
            ("scratch qa (pooled+features)", Shape(RewardModelFactory.Scratch) with
            {
                Pooling = RewardPooling.LastAndMean, Features = RewardFeatures.Grounding, Context = PromptContext.RelevantPassages,
                Scratch = new ScratchModel { VocabSize = 512, Layers = 1 },
            }),
        };
        RewardConfig Shape(string baseModel) => new()
        {
            TrainFile = "synthetic", BaseModel = baseModel, MaxLength = length, PerDeviceTrainBatchSize = batch, MaxSteps = 1,
            EvalSteps = 1_000_000, EarlyStoppingPatience = 0, Scratch = new ScratchModel { VocabSize = 512 },
        };
        foreach (var (name, config) in shapes)
        {
            var work = Directory.CreateTempSubdirectory("rm-throughput-").FullName;
            using var model = RewardModelFactory.Create(config, pairs, work, torch.CPU, cancellationToken);
            var timings = new List<double>();
            // Every row is exactly `length` tokens and a pair is two rows: the loop's tokens/s of a one-step run is that step's pairs/s times 2·length.
            var progress = new InlineProgress(p => timings.Add(p.Metrics["perf/tokens_per_second"] / (2.0 * length)));
            for (int s = 0; s < steps + 1; s++)
                new RewardTrainer(config, model, pairs, pairs.Take(1).ToList(), new RunDirectory(Path.Combine(work, $"run-{s}")))
                    .TrainAsync(resume: false, progress, cancellationToken).GetAwaiter().GetResult();
            // The first step pays for allocation and kernel selection; report the steady state.
            double median = timings.Skip(1).Order().ElementAt((timings.Count - 1) / 2);
            Console.WriteLine($"{"rm train " + name,-36} {$"batch {batch} pairs x {length} tok",-22} {threads,7} {median,10:F1} pairs/s");
            Directory.Delete(work, true);
        }
        Console.WriteLine($"load average after: {LoadAverage()}");
        return Task.CompletedTask;
    }

    static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" / ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) + $" (1/5/15 min, {Environment.ProcessorCount} cores)" : "unknown";
}
