using Preference.Training.Common;
using TorchSharp;
using static TorchSharp.torch;

namespace Preference.Training.Tests.Common;

public sealed class CheckpointStoreTests : IDisposable
{
    readonly string _directory = Path.Combine(Path.GetTempPath(), "pref-ckpt-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void Restore_brings_back_weights_optimizer_moments_and_the_random_stream()
    {
        torch.manual_seed(5);
        var model = nn.Linear(4, 3);
        var optimization = new Optimization(model.parameters(), new OptimizerConfig { LearningRate = 0.1 }, 10);
        TrainOneStep(model, optimization, 0);
        var store = new CheckpointStore(_directory);
        store.Save(new TrainerState { Stage = "test", Step = 1 }, Modules(model), Optimizers(optimization));

        TrainOneStep(model, optimization, 1);
        var expectedWeights = model.weight!.clone();
        var expectedRandom = rand(3);

        var fresh = nn.Linear(4, 3);
        var freshOptimization = new Optimization(fresh.parameters(), new OptimizerConfig { LearningRate = 0.1 }, 10);
        var state = CheckpointStore.Restore(store.Latest()!, Modules(fresh), Optimizers(freshOptimization));
        Assert.Equal(1, state.Step);
        TrainOneStep(fresh, freshOptimization, 1);

        Assert.True(fresh.weight!.allclose(expectedWeights, rtol: 0, atol: 1e-7));
        Assert.True(rand(3).allclose(expectedRandom, rtol: 0, atol: 0));
    }

    [Fact]
    public void A_run_prunes_and_resumes_only_its_own_checkpoints()
    {
        var model = nn.Linear(2, 2);
        var optimization = new Optimization(model.parameters(), new OptimizerConfig(), 10);
        var old = new CheckpointStore(_directory, keepLast: 2, runId: "old");
        foreach (long step in new long[] { 50, 60 })
            old.Save(new TrainerState { Stage = "test", Step = step }, Modules(model), Optimizers(optimization));

        // A new run in the same folder: its low step numbers must neither delete the old run's higher ones nor be
        // mistaken for them.
        var fresh = new CheckpointStore(_directory, keepLast: 1, runId: "fresh");
        foreach (long step in new long[] { 1, 2 })
            fresh.Save(new TrainerState { Stage = "test", Step = step }, Modules(model), Optimizers(optimization));

        Assert.Equal(2, CheckpointStore.ReadState(fresh.Latest()!).Step);
        Assert.Equal("fresh", CheckpointStore.ReadState(fresh.Latest()!).RunId);
        Assert.Equal(60, CheckpointStore.ReadState(old.Latest()!).Step);
        Assert.NotNull(old.AtStep(50));
        Assert.Null(fresh.AtStep(1)); // pruned: the fresh run keeps one
    }

    [Fact]
    public void Only_the_last_checkpoints_and_the_best_are_kept()
    {
        var model = nn.Linear(2, 2);
        var store = new CheckpointStore(_directory, keepLast: 2);
        foreach (long step in new long[] { 10, 20, 30, 40 })
            store.Save(new TrainerState { Stage = "test", Step = step, BestStep = 10 }, Modules(model), Optimizers());
        var kept = Directory.GetDirectories(_directory).Select(d => Path.GetFileName(d)!).Order().ToArray();
        Assert.Equal(["step-00000010", "step-00000030", "step-00000040"], kept);
    }

    [Fact]
    public void A_half_written_checkpoint_is_ignored()
    {
        var model = nn.Linear(2, 2);
        var store = new CheckpointStore(_directory);
        store.Save(new TrainerState { Stage = "test", Step = 5 }, Modules(model), Optimizers());
        Directory.CreateDirectory(Path.Combine(_directory, "step-00000006.partial"));
        Assert.EndsWith("step-00000005", store.Latest());
    }

    static void TrainOneStep(nn.Module<Tensor, Tensor> model, Optimization optimization, long step)
    {
        using var scope = NewDisposeScope();
        var x = rand(8, 4);
        model.forward(x).square().mean().backward();
        optimization.Step(step);
    }

    static Dictionary<string, nn.Module> Modules(nn.Module model) => new() { ["model"] = model };

    static Dictionary<string, Optimization> Optimizers(params Optimization[] all) =>
        all.Select((o, i) => (o, i)).ToDictionary(p => $"opt{p.i}", p => p.o);

    public void Dispose()
    {
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }
}
