using System.Diagnostics;
using Preference.Models.Loading;
using TorchSharp;
using static TorchSharp.torch;

namespace Preference.Bench;

/// <summary>Forward + backward throughput of a training step on stories260K (next-token loss, batch 32 × 256).</summary>
public sealed class TrainingStepBenchmark : IBenchmark
{
    public string Name => "train-step";
    public string Description => "forward+backward tokens/s of a training step, stories260K, batch 32 x 256";

    public Task RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var modelPath = args.Length > 0 ? args[0] : Path.Combine(AppContext.BaseDirectory, "models", "stories260K", "stories260K.bin");
        int batch = 32, length = 256, steps = 5;
        using var model = Llama2cCheckpoint.Load(modelPath);
        model.train();
        var optimizer = optim.AdamW(model.parameters(), 1e-4);
        double StepOnce()
        {
            using var scope = NewDisposeScope();
            var ids = randint(3, model.Shape.VocabSize, [batch, length + 1]);
            var logits = model.Forward(ids.narrow(1, 0, length));
            var loss = nn.functional.cross_entropy(logits.reshape(-1, model.Shape.VocabSize), ids.narrow(1, 1, length).reshape(-1));
            loss.backward();
            optimizer.step();
            optimizer.zero_grad();
            return loss.item<float>();
        }
        StepOnce(); // warm-up
        var timer = Stopwatch.StartNew();
        for (int i = 0; i < steps; i++) StepOnce();
        double tokensPerSecond = steps * batch * length / timer.Elapsed.TotalSeconds;
        // Training costs about 6 FLOPs per parameter per token (forward 2, backward 4), attention aside.
        double flops = 6.0 * model.ParameterCount() * tokensPerSecond;
        Console.WriteLine("| what | size | threads | number | unit |");
        Console.WriteLine("|---|---|---|---|---|");
        Console.WriteLine($"| forward+backward+AdamW | {batch} x {length} | {torch.get_num_threads()} | {tokensPerSecond:F0} | tok/s |");
        Console.WriteLine($"| achieved (6·N·tokens/s) | {model.ParameterCount()} params | {torch.get_num_threads()} | {flops / 1e9:F2} | GFLOP/s |");
        return Task.CompletedTask;
    }
}
