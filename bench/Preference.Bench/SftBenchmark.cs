using System.Diagnostics;
using Preference.Models;
using Preference.Models.Lora;
using Preference.Training.Common;
using Preference.Training.Data;
using Preference.Training.Estimation;
using Preference.Training.Sft;
using TorchSharp;
using static TorchSharp.torch;

namespace Preference.Bench;

/// <summary>
/// SFT training throughput on stories260K: full fine-tuning and LoRA r=8 (q_proj, v_proj), batch 32 x 256 tokens,
/// every token learned. A step is forward, backward and the AdamW update, as in SftTrainer.
/// </summary>
public sealed class SftBenchmark : IBenchmark
{
    public string Name => "sft";
    public string Description => "SFT training tokens/s on stories260K, full vs LoRA (args: [steps=5] [batch=32] [length=256])";

    public Task RunAsync(string[] args, CancellationToken cancellationToken)
    {
        int steps = args.Length > 0 ? int.Parse(args[0]) : 5, batch = args.Length > 1 ? int.Parse(args[1]) : 32,
            length = args.Length > 2 ? int.Parse(args[2]) : 256;
        int threads = torch.get_num_threads();
        Console.WriteLine("| what | size | threads | number | unit |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (var (mode, lora) in new[] { ("full fine-tuning", (LoraConfig?)null), ("LoRA r=8 q_proj,v_proj", new LoraConfig { Rank = 8, Dropout = 0.05 }) })
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var bundle = ModelBundle.Load(null, torch.CPU);
            var model = bundle.Model;
            torch.manual_seed(1);
            if (lora is not null) LoraAdapters.Apply(model, lora);
            model.train();
            using var optimization = new Optimization(model.parameters(), new OptimizerConfig(), steps + 1);
            var random = new Random(1);
            var examples = Enumerable.Range(0, batch).Select(_ =>
            {
                var ids = Enumerable.Range(0, length).Select(_ => random.Next(3, model.Shape.VocabSize)).ToArray();
                return new TokenizedExample(ids, Enumerable.Repeat(true, length).ToArray());
            }).ToList();
            using var data = SftBatch.Collate(examples, 0, model.Device);

            void Step(long step)
            {
                using var scope = NewDisposeScope();
                var loss = SftLoss.Sum(model, data) / data.LearnedTokens;
                loss.backward();
                optimization.Step(step);
            }

            Step(0); // warm-up: allocator and kernels
            var timer = Stopwatch.StartNew();
            for (int s = 1; s <= steps; s++) Step(s);
            timer.Stop();
            double tokensPerSecond = (double)steps * batch * length / timer.Elapsed.TotalSeconds;
            double flops = ModelFlops.TrainingPerToken(model, length) * tokensPerSecond;
            Console.WriteLine($"| SFT train step, {mode} | {batch} x {length} | {threads} | {tokensPerSecond:F0} | tok/s |");
            Console.WriteLine($"| SFT train step, {mode} (model FLOPs) | {batch} x {length} | {threads} | {flops / 1e9:F2} | GFLOP/s |");
        }
        return Task.CompletedTask;
    }
}
