using System.Diagnostics;
using Preference.Models.Generation;
using Preference.Models.Loading;
using TorchSharp;
using static TorchSharp.torch;

namespace Preference.Bench;

/// <summary>Decode and prefill throughput of the bundled stories260K model (KV cache) at batch 1 and 64.</summary>
public sealed class GenerationBenchmark : IBenchmark
{
    public string Name => "generate";
    public string Description => "decode tokens/s at batch 1 and 64, prefill tokens/s (stories260K, KV cache)";

    public Task RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var modelPath = args.Length > 0 ? args[0] : Path.Combine(AppContext.BaseDirectory, "models", "stories260K", "stories260K.bin");
        using var model = Llama2cCheckpoint.Load(modelPath);
        int threads = torch.get_num_threads();
        Console.WriteLine($"| what | size | threads | number | unit |");
        Console.WriteLine($"|---|---|---|---|---|");
        foreach (int batch in new[] { 1, 64 })
        {
            var prompts = Enumerable.Range(0, batch).Select(_ => (IReadOnlyList<int>)[1]).ToArray();
            var options = new GenerationOptions { MaxNewTokens = 256, Temperature = 1.0, Seed = 1, PadTokenId = 0 };
            BatchGenerator.Generate(model, prompts, options with { MaxNewTokens = 16 }, cancellationToken).Dispose(); // warm-up
            var timer = Stopwatch.StartNew();
            int rounds = batch == 1 ? 4 : 2;
            long tokens = 0;
            for (int i = 0; i < rounds; i++)
            {
                using var output = BatchGenerator.Generate(model, prompts, options with { Seed = i }, cancellationToken);
                tokens += output.CompletionIds.numel();
            }
            Console.WriteLine($"| decode (sampling, 256 new tokens) | batch {batch} | {threads} | {tokens / timer.Elapsed.TotalSeconds:F0} | tok/s |");
        }

        using (no_grad())
        {
            foreach (var (batch, length) in new[] { (1, 256), (64, 256) })
            {
                using var scope = NewDisposeScope();
                var ids = randint(3, 512, [batch, length]);
                model.eval();
                model.Forward(ids);
                var timer = Stopwatch.StartNew();
                int rounds = 5;
                for (int i = 0; i < rounds; i++) model.Forward(ids).Dispose();
                Console.WriteLine($"| prefill (forward, no cache) | {batch} x {length} | {threads} | {rounds * batch * length / timer.Elapsed.TotalSeconds:F0} | tok/s |");
            }
        }
        return Task.CompletedTask;
    }
}
