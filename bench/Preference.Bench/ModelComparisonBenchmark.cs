using System.Diagnostics;
using System.Text.Json;
using Preference.Models;
using Preference.Models.Generation;
using Preference.Models.Loading;
using Preference.Models.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Preference.Bench;

/// <summary>
/// Runs any model directory on any device the way tools/gpu/hf_reference.py runs it in transformers, so the two can be
/// compared on one card: logits for the same token ids (written for the comparison script), decode tokens/s at the
/// given batch sizes with the KV cache, and a forward+backward+AdamW training step.
/// </summary>
public sealed class ModelComparisonBenchmark : IBenchmark
{
    public string Name => "model-compare";
    public string Description => "--model DIR --device D [--ids ids.json --logits-out F] [--batches 1,64 --prompt-length 32 --new-tokens 128 --train-batch 8 --train-length 512]";

    public Task RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var options = ComparisonOptions.Parse(args);
        var device = DeviceOption.Resolve(options.Device);
        var loaded = ModelLoader.Load(options.Model, new ModelLoadOptions { Device = device }, cancellationToken);
        using var model = loaded.Model;
        model.eval();
        Console.WriteLine($"model {options.Model}: {model.ParameterCount():N0} parameters, {model.ModelType}, device {device}, threads {torch.get_num_threads()}");
        Console.WriteLine("| what | size | number | unit |");
        Console.WriteLine("|---|---|---|---|");

        if (options.IdsFile is { } idsFile && options.LogitsOut is { } logitsOut) WriteLogits(model, idsFile, logitsOut, device);
        foreach (int batch in options.Batches) MeasureDecode(model, batch, options, device, cancellationToken);
        MeasureTrainingStep(model, options, device);
        return Task.CompletedTask;
    }

    static void WriteLogits(CausalLanguageModel model, string idsFile, string logitsOut, Device device)
    {
        var rows = JsonSerializer.Deserialize<long[][]>(File.ReadAllText(idsFile))
                   ?? throw new InvalidDataException($"{idsFile}: expected a JSON array of token-id arrays");
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var ids = tensor(rows.SelectMany(r => r).ToArray(), [rows.Length, rows[0].Length]).to(device);
        var logits = model.Forward(ids).to(float32).cpu().contiguous();
        File.WriteAllBytes(logitsOut, logits.bytes.ToArray());
        Console.WriteLine($"| logits written | {rows.Length} x {rows[0].Length} x {logits.shape[2]} | {logitsOut} | float32 |");
    }

    static void MeasureDecode(CausalLanguageModel model, int batch, ComparisonOptions options, Device device, CancellationToken cancellationToken)
    {
        var random = new Random(batch);
        var prompts = Enumerable.Range(0, batch)
            .Select(_ => (IReadOnlyList<int>)Enumerable.Range(0, options.PromptLength).Select(_ => random.Next(3, model.Shape.VocabSize)).ToArray())
            .ToArray();
        // No EOS: every row generates exactly NewTokens, as transformers does with min_new_tokens = max_new_tokens.
        var generation = new GenerationOptions { MaxNewTokens = options.NewTokens, Temperature = 1.0, Seed = 1, PadTokenId = 0 };
        BatchGenerator.Generate(model, prompts, generation with { MaxNewTokens = 8 }, cancellationToken).Dispose();
        Synchronize(device);
        var timer = Stopwatch.StartNew();
        long tokens = 0;
        for (int round = 0; round < options.Rounds; round++)
        {
            using var output = BatchGenerator.Generate(model, prompts, generation with { Seed = round }, cancellationToken);
            tokens += output.CompletionIds.numel();
        }
        Synchronize(device);
        Console.WriteLine($"| decode (sampling, prompt {options.PromptLength}, {options.NewTokens} new tokens, KV cache) | batch {batch} | {tokens / timer.Elapsed.TotalSeconds:F0} | tok/s |");
    }

    static void MeasureTrainingStep(CausalLanguageModel model, ComparisonOptions options, Device device)
    {
        int batch = options.TrainBatch, length = options.TrainLength, vocab = model.Shape.VocabSize;
        model.train();
        using var optimizer = optim.AdamW(model.parameters(), 1e-5);
        void StepOnce()
        {
            using var scope = NewDisposeScope();
            var ids = randint(3, vocab, [batch, length + 1], device: device);
            var logits = model.Forward(ids.narrow(1, 0, length));
            var loss = nn.functional.cross_entropy(logits.reshape(-1, vocab), ids.narrow(1, 1, length).reshape(-1));
            loss.backward();
            optimizer.step();
            optimizer.zero_grad();
        }
        for (int i = 0; i < 3; i++) StepOnce();
        Synchronize(device);
        var timer = Stopwatch.StartNew();
        for (int i = 0; i < options.TrainSteps; i++) StepOnce();
        Synchronize(device);
        double seconds = timer.Elapsed.TotalSeconds;
        Console.WriteLine($"| forward+backward+AdamW step | {batch} x {length} | {options.TrainSteps * batch * length / seconds:F0} | tok/s |");
        Console.WriteLine($"| forward+backward+AdamW step | {batch} x {length} | {seconds / options.TrainSteps * 1000:F1} | ms/step |");
        model.eval();
    }

    static void Synchronize(Device device)
    {
        if (device.type == DeviceType.CUDA) torch.cuda.synchronize(device);
    }
}

/// <summary>Command-line options of <see cref="ModelComparisonBenchmark"/>, matching tools/gpu/hf_reference.py's.</summary>
sealed record ComparisonOptions
{
    public required string Model { get; init; }
    public string Device { get; init; } = "auto";
    public string? IdsFile { get; init; }
    public string? LogitsOut { get; init; }
    public int[] Batches { get; init; } = [1, 64];
    public int PromptLength { get; init; } = 32;
    public int NewTokens { get; init; } = 128;
    public int Rounds { get; init; } = 2;
    public int TrainBatch { get; init; } = 8;
    public int TrainLength { get; init; } = 512;
    public int TrainSteps { get; init; } = 10;

    public static ComparisonOptions Parse(string[] args)
    {
        if (args.Length % 2 != 0) throw new ArgumentException($"option '{args[^1]}' has no value");
        var values = new Dictionary<string, string>();
        for (int i = 0; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--")) throw new ArgumentException($"expected an option, got '{args[i]}'");
            values[args[i][2..]] = args[i + 1];
        }
        int Int(string key, int fallback) => values.TryGetValue(key, out var v) ? int.Parse(v) : fallback;
        return new ComparisonOptions
        {
            Model = values.GetValueOrDefault("model") ?? throw new ArgumentException("--model DIR is required"),
            Device = values.GetValueOrDefault("device") ?? "auto",
            IdsFile = values.GetValueOrDefault("ids"),
            LogitsOut = values.GetValueOrDefault("logits-out"),
            Batches = values.TryGetValue("batches", out var b) ? b.Split(',').Select(int.Parse).ToArray() : [1, 64],
            PromptLength = Int("prompt-length", 32),
            NewTokens = Int("new-tokens", 128),
            Rounds = Int("rounds", 2),
            TrainBatch = Int("train-batch", 8),
            TrainLength = Int("train-length", 512),
            TrainSteps = Int("train-steps", 10),
        };
    }
}
