using System.Diagnostics;
using Preference.Models;
using Preference.Models.Generation;
using Preference.Models.Loading;
using TorchSharp;
using static TorchSharp.torch;

namespace Preference.Bench;

/// <summary>
/// Decode and prefill throughput of the bundled stories260K model (KV cache) at batch 1 and 64, through the fused CPU
/// kernel and through the torch path, at 1 and 2 threads; the load average beside the table says how quiet the machine was.
/// </summary>
public sealed class GenerationBenchmark : IBenchmark
{
    const int NewTokens = 256, PromptTokens = 256;

    public string Name => "generate";
    public string Description => "decode tokens/s at batch 1 and 64 and prefill tokens/s, fused CPU kernel vs torch path, 1 and 2 threads (stories260K, KV cache); args: [model.bin]";

    public Task RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var modelPath = args.Length > 0 ? args[0] : Path.Combine(AppContext.BaseDirectory, "models", "stories260K", "stories260K.bin");
        using var model = Llama2cCheckpoint.Load(modelPath);
        int defaultThreads = torch.get_num_threads();
        var threadCounts = new[] { 1, 2 }.Where(t => t <= Environment.ProcessorCount).ToArray();
        Console.WriteLine("| what | size | threads | number | unit |");
        Console.WriteLine("|---|---|---|---|---|");
        try
        {
            // Every configuration once before any is timed, so the first row does not pay for the tiered JIT alone.
            foreach (bool fused in new[] { true, false })
                foreach (int batch in new[] { 1, 64 })
                    WarmUp(model, batch, fused, cancellationToken);
            Row("load average (1 min), start", "-", defaultThreads, LoadAverage(), "load");
            foreach (bool fused in new[] { true, false })
            {
                string path = fused ? "fused" : "torch";
                foreach (int threads in threadCounts)
                {
                    torch.set_num_threads(threads);
                    foreach (int batch in new[] { 1, 64 })
                        Row($"decode {path} (sampling, {NewTokens} new tokens)", $"batch {batch}", threads, Decode(model, batch, fused, cancellationToken), "tok/s");
                    foreach (int batch in new[] { 1, 64 })
                        Row($"prefill {path} ({PromptTokens}-token prompt, first token)", $"{batch} x {PromptTokens}", threads, Prefill(model, batch, fused, cancellationToken), "tok/s");
                }
            }
        }
        finally
        {
            torch.set_num_threads(defaultThreads);
        }
        Row("load average (1 min), end", "-", defaultThreads, LoadAverage(), "load");
        return Task.CompletedTask;
    }

    static IReadOnlyList<int>[] BosPrompts(int batch) => Enumerable.Range(0, batch).Select(_ => (IReadOnlyList<int>)[1]).ToArray();

    static GenerationOptions Sampling(bool fused) =>
        new() { MaxNewTokens = NewTokens, Temperature = 1.0, Seed = 1, PadTokenId = 0, UseFusedCpuKernel = fused };

    // A full-length generation: the kernels' library calls are jitted in tiers, and PPO runs in the steady state.
    static void WarmUp(CausalLanguageModel model, int batch, bool fused, CancellationToken cancellationToken) =>
        BatchGenerator.Generate(model, BosPrompts(batch), Sampling(fused), cancellationToken).Dispose();

    static double Decode(CausalLanguageModel model, int batch, bool fused, CancellationToken cancellationToken)
    {
        var prompts = BosPrompts(batch);
        var options = Sampling(fused);
        WarmUp(model, batch, fused, cancellationToken);
        int rounds = batch == 1 ? (fused ? 16 : 4) : (fused ? 4 : 2);
        long tokens = 0;
        var timer = Stopwatch.StartNew();
        for (int i = 0; i < rounds; i++)
        {
            using var output = BatchGenerator.Generate(model, prompts, options with { Seed = i }, cancellationToken);
            tokens += output.CompletionIds.numel();
        }
        return tokens / timer.Elapsed.TotalSeconds;
    }

    // The prompt's forward pass dominates: one sampled token after a full-length prompt.
    static double Prefill(CausalLanguageModel model, int batch, bool fused, CancellationToken cancellationToken)
    {
        var random = new Random(5);
        var prompts = Enumerable.Range(0, batch)
            .Select(_ => (IReadOnlyList<int>)[1, .. Enumerable.Range(0, PromptTokens - 1).Select(_ => random.Next(3, 512))]).ToArray();
        var options = new GenerationOptions { MaxNewTokens = 1, Temperature = 1.0, Seed = 1, PadTokenId = 0, UseFusedCpuKernel = fused };
        BatchGenerator.Generate(model, prompts, options, cancellationToken).Dispose(); // warm-up
        int rounds = batch == 1 ? 10 : 2;
        var timer = Stopwatch.StartNew();
        for (int i = 0; i < rounds; i++)
            BatchGenerator.Generate(model, prompts, options, cancellationToken).Dispose();
        return (double)rounds * batch * PromptTokens / timer.Elapsed.TotalSeconds;
    }

    static void Row(string what, string size, int threads, double number, string unit) =>
        Console.WriteLine($"| {what} | {size} | {threads} | {number:0.##} | {unit} |");

    static double LoadAverage() =>
        File.Exists("/proc/loadavg") ? double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) : double.NaN;
}
