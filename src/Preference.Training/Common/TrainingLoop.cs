using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace Preference.Training.Common;

/// <summary>
/// The one training loop every stage runs on. It claims the run directory (refusing one that holds another run unless
/// resuming), checks the inputs' fingerprint on resume, records the environment, orders the data from (seed, epoch),
/// accumulates micro-batches into optimizer steps, writes metrics under fixed names (train/…, eval/…, setup/…) to
/// every sink, reports progress with throughput and MFU, evaluates with early stopping and keeps the best model,
/// checkpoints and prunes this run's checkpoints only, and exports at the end. A run stopped at any point and resumed
/// from its last checkpoint repeats the uninterrupted run's losses: the checkpoint holds weights, optimizer, torch RNG
/// and data position. Online stages (<see cref="IOnlineTrainingStage"/>: PPO, GRPO) run on it too; their step is a
/// rollout and an update that steps the optimizers itself, over prompts drawn from (seed, step).
/// </summary>
public sealed class TrainingLoop(TrainingArguments arguments, RunDirectory run, IEnumerable<IMetricsSink>? extraSinks = null)
{
    public async Task<TrainingOutcome> RunAsync(ITrainingStage stage, bool resume, IProgress<TrainingProgress>? progress,
        CancellationToken cancellationToken)
    {
        var runId = run.Claim(stage.Name, resume);
        var store = run.Checkpoints(arguments.SaveTotalLimit, runId);
        var online = stage as IOnlineTrainingStage;
        int accumulation = arguments.Optimizer.GradientAccumulationSteps;
        int batchesPerEpoch = (stage.TrainExamples + arguments.PerDeviceTrainBatchSize - 1) / arguments.PerDeviceTrainBatchSize;
        long stepsPerEpoch = (batchesPerEpoch + accumulation - 1) / accumulation;
        long totalSteps = online?.TotalSteps ?? (arguments.MaxSteps > 0 ? arguments.MaxSteps : stepsPerEpoch * arguments.NumTrainEpochs);
        long optimizerSteps = totalSteps * (online?.OptimizerStepsPerStep ?? 1);

        var optimizers = new Dictionary<string, Optimization>();
        using var disposeOptimizers = new Disposables(optimizers.Values);
        foreach (var (name, parameters) in stage.Optimizers)
            optimizers[name] = new Optimization(parameters.Parameters, parameters.Settings ?? arguments.Optimizer, optimizerSteps);
        var modules = stage.CheckpointModules;
        var state = new TrainerState { Stage = stage.Name, Seed = arguments.Seed, InputFingerprint = stage.InputFingerprint, RunId = runId };
        string? checkpoint = null;
        if (resume)
        {
            checkpoint = store.Latest() ?? throw new ArgumentException($"--resume: {store.Directory} holds no checkpoint of this run to continue from");
            var saved = CheckpointStore.ReadState(checkpoint);
            if (saved.InputFingerprint != stage.InputFingerprint)
                throw new ArgumentException($"--resume: {checkpoint} was made with a different config or data (the inputs changed since this run started); restore them or start a new run directory");
            state = CheckpointStore.Restore(checkpoint, modules, optimizers);
            online?.Resumed(state.Step, state.Extra);
        }

        var sink = new MetricsFanOut([new JsonlMetricsSink(run.MetricsFile, checkpoint is null ? null : state.Step), .. extraSinks ?? []]);
        run.WriteEnvironment(DeviceOf(stage.Model), arguments.Seed);
        if (checkpoint is null)
            await sink.WriteAsync(new MetricsRecord(stage.Name, 0, Prefixed("setup/", stage.SetupMetrics)), cancellationToken);

        var earlyStopping = new EarlyStopping(arguments.EarlyStoppingPatience, arguments.EarlyStoppingThreshold, stage.HigherIsBetter);
        var clock = Stopwatch.StartNew();
        long tokensThisRun = 0;
        IReadOnlyDictionary<string, double>? lastEvaluation = null;
        bool stoppedEarly = false;
        stage.Model.train(!arguments.DisableDropout);

        while (state.Step < totalSteps)
        {
            cancellationToken.ThrowIfCancellationRequested();
            StepOutcome outcome;
            Dictionary<string, double> metrics;
            if (online is not null)
            {
                outcome = await online.StepAsync(state.Step + 1, optimizers, cancellationToken);
                double epoch = online.EpochAt(state.Step + 1);
                state = state with { Step = state.Step + 1, Epoch = (int)epoch, Extra = new Dictionary<string, double>(online.ExtraState) };
                // Online stages keep TRL's names for their own metrics (objective/kl, reward, …).
                metrics = new Dictionary<string, double>(outcome.Metrics) { ["train/epoch"] = epoch };
            }
            else
            {
                var batches = DataOrder.Batches(stage.TrainExamples, arguments.PerDeviceTrainBatchSize, arguments.Seed, state.Epoch);
                var group = batches.Skip(state.BatchInEpoch).Take(accumulation).ToList();
                outcome = stage.Step(group, cancellationToken);
                var gradNorms = optimizers.ToDictionary(o => o.Key, o => o.Value.Step(state.Step));
                int consumed = state.BatchInEpoch + group.Count;
                state = consumed >= batches.Count
                    ? state with { Step = state.Step + 1, Epoch = state.Epoch + 1, BatchInEpoch = 0 }
                    : state with { Step = state.Step + 1, BatchInEpoch = consumed };
                metrics = Prefixed("train/", outcome.Metrics);
                foreach (var (name, norm) in gradNorms) metrics[gradNorms.Count == 1 ? "train/grad_norm" : $"train/grad_norm/{name}"] = norm;
                metrics["train/epoch"] = state.Epoch + (double)state.BatchInEpoch / batches.Count;
            }
            tokensThisRun += outcome.Tokens;
            bool last = state.Step >= totalSteps;

            double tokensPerSecond = tokensThisRun / Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
            metrics["train/learning_rate"] = optimizers.Values.First().CurrentLearningRate;
            metrics["perf/tokens_per_second"] = tokensPerSecond;
            if (arguments.PeakFlops > 0) metrics["perf/mfu"] = tokensPerSecond * stage.FlopsPerToken / arguments.PeakFlops;
            if (state.Step % arguments.EvalSteps == 0 || last)
            {
                stage.Model.eval();
                var evaluation = stage.Evaluate(cancellationToken);
                stage.Model.train(!arguments.DisableDropout);
                if (evaluation is not null)
                {
                    lastEvaluation = evaluation.Metrics;
                    foreach (var (name, value) in evaluation.Metrics) metrics["eval/" + name] = value;
                    (state, bool isBest) = earlyStopping.Observe(state, evaluation.Objective);
                    if (isBest) stage.Export(run.BestModelDirectory, final: false, cancellationToken);
                    stoppedEarly = earlyStopping.ShouldStop(state);
                }
            }
            bool evaluated = metrics.Keys.Any(k => k.StartsWith("eval/", StringComparison.Ordinal));
            if (state.Step % arguments.LoggingSteps == 0 || last || evaluated || stoppedEarly)
                await sink.WriteAsync(new MetricsRecord(stage.Name, state.Step, metrics), cancellationToken);
            if (state.Step % arguments.SaveSteps == 0 || last || stoppedEarly)
                store.Save(state, modules, optimizers);
            progress?.Report(new TrainingProgress(stage.Name, state.Step, totalSteps, metrics, tokensPerSecond, clock.Elapsed));
            if (stoppedEarly) break;
        }

        stage.Model.eval();
        var closing = stage.Finish(cancellationToken);
        if (closing.Count > 0) await sink.WriteAsync(new MetricsRecord(stage.Name, state.Step, closing), cancellationToken);
        var merged = stage.Export(run.FinalModelDirectory, final: true, cancellationToken);
        return new TrainingOutcome
        {
            RunId = runId,
            Steps = state.Step,
            StoppedEarly = stoppedEarly,
            BestObjective = state.BestMetric,
            BestStep = state.BestStep,
            LastEvaluation = lastEvaluation,
            FinalDirectory = run.FinalModelDirectory,
            MergedDirectory = merged,
        };
    }

    static Dictionary<string, double> Prefixed(string prefix, IReadOnlyDictionary<string, double> values) =>
        values.ToDictionary(kv => prefix + kv.Key, kv => kv.Value);

    /// <summary>Disposes the optimizers built so far, also when building a later one fails.</summary>
    sealed class Disposables(IEnumerable<IDisposable> items) : IDisposable
    {
        public void Dispose()
        {
            foreach (var item in items) item.Dispose();
        }
    }

    static string DeviceOf(nn.Module model) =>
        model.parameters().FirstOrDefault()?.device.ToString() ?? "cpu";
}
