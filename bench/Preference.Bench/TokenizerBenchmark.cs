using System.Diagnostics;
using System.Text;
using Preference.Models.Tokenization;

namespace Preference.Bench;

/// <summary>Encode and decode throughput of the llama2.c tok512 tokenizer on TinyStories-like text.</summary>
public sealed class TokenizerBenchmark : IBenchmark
{
    public string Name => "tokenizer";
    public string Description => "tok512 encode/decode MB/s on TinyStories-like text (arg: optional text file)";

    // The reference model's own greedy story; repeated, it has the vocabulary and sentence shapes of TinyStories.
    const string Story = "Once upon a time, there was a little girl named Lily. She loved to play outside in the park. " +
        "One day, she saw a big, red ball. She wanted to play with it, but it was too high.\nLily";

    public Task RunAsync(string[] args, CancellationToken cancellationToken)
    {
        string tokenizerPath = Path.Combine(AppContext.BaseDirectory, "models", "stories260K", "tok512.bin");
        var tokenizer = TokenizerLoader.Load(tokenizerPath);
        string text = args.Length > 0 ? File.ReadAllText(args[0]) : string.Concat(Enumerable.Repeat(Story + "\n", (1 << 20) / (Story.Length + 1)));
        double megabytes = Encoding.UTF8.GetByteCount(text) / 1e6;
        string[] documents = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Console.WriteLine("| what | size | threads | number | unit |");
        Console.WriteLine("|---|---|---|---|---|");

        tokenizer.Encode(Story); // warm-up
        var (ids, oneSequence) = Time(() => tokenizer.Encode(text), cancellationToken);
        Console.WriteLine($"| encode, one sequence | {megabytes:F2} MB | 1 | {megabytes / oneSequence:F2} | MB/s |");

        var (_, perDocument) = Time(() => documents.Sum(d => tokenizer.Encode(d).Count), cancellationToken);
        Console.WriteLine($"| encode, per line | {documents.Length} lines | 1 | {megabytes / perDocument:F2} | MB/s |");

        var (_, parallel) = Time(() => documents.AsParallel().Sum(d => tokenizer.Encode(d).Count), cancellationToken);
        Console.WriteLine($"| encode, per line, parallel | {documents.Length} lines | {Environment.ProcessorCount} | {megabytes / parallel:F2} | MB/s |");

        var (_, decode) = Time(() => tokenizer.Decode(ids), cancellationToken);
        Console.WriteLine($"| decode | {ids.Count} tokens | 1 | {megabytes / decode:F2} | MB/s |");
        Console.WriteLine($"| compression | {ids.Count} tokens | 1 | {text.Length / (double)ids.Count:F2} | chars/token |");
        return Task.CompletedTask;
    }

    /// <summary>Best of three runs, so one GC pause or a noisy neighbour does not set the number.</summary>
    static (T Result, double Seconds) Time<T>(Func<T> work, CancellationToken cancellationToken)
    {
        T result = default!;
        double best = double.MaxValue;
        for (int i = 0; i < 3; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var timer = Stopwatch.StartNew();
            result = work();
            best = Math.Min(best, timer.Elapsed.TotalSeconds);
        }
        return (result, best);
    }
}
