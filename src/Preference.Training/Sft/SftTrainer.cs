using System.Diagnostics;
using Preference.Models;
using Preference.Models.Loading;
using Preference.Models.Lora;
using Preference.Models.Tokenization;
using Preference.Training.Common;
using Preference.Training.Data;
using Preference.Training.Estimation;
using TorchSharp;
using static TorchSharp.torch;

namespace Preference.Training.Sft;

/// <summary>
/// Supervised fine-tuning with one loop: micro-batches accumulate into optimizer steps; metrics, evaluation with early
/// stopping, checkpoints and progress happen at step boundaries. A run stopped at any point and resumed from its last
/// checkpoint repeats the uninterrupted run's losses: data order comes from (seed, epoch), and the checkpoint holds
/// weights, optimizer, torch RNG and data position.
/// </summary>
public sealed class SftTrainer(
    SftConfig config, CausalLanguageModel model, ModelTokenizer tokenizer, SftData data, RunDirectory run,
    IEnumerable<IMetricsSink>? extraSinks = null)
{
    public const string Stage = "sft";

    int PadId => tokenizer.HasPad ? tokenizer.PadId : 0;

    public async Task<SftResult> TrainAsync(bool resume, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        // The base model's own texts come first, before anything changes the model or the RNG.
        var probe = config.ForgettingSamples > 0
            ? ForgettingProbe.Sample(model, tokenizer, config.ForgettingSamples, config.ForgettingMaxTokens, config.Seed, cancellationToken)
            : null;

        torch.manual_seed(config.Seed);
        SftModelPreparation.Apply(model, config);
        var train = data.Train.Examples;
        int accumulation = config.Optimizer.GradientAccumulationSteps;
        int batchesPerEpoch = (train.Count + config.PerDeviceTrainBatchSize - 1) / config.PerDeviceTrainBatchSize;
        long stepsPerEpoch = (batchesPerEpoch + accumulation - 1) / accumulation;
        long totalSteps = config.MaxSteps > 0 ? config.MaxSteps : stepsPerEpoch * config.NumTrainEpochs;

        using var optimization = new Optimization(model.parameters(), config.Optimizer, totalSteps);
        var modules = new Dictionary<string, nn.Module> { ["model"] = model };
        var optimizers = new Dictionary<string, Optimization> { ["model"] = optimization };
        var store = run.Checkpoints(config.SaveTotalLimit);
        var state = new TrainerState { Stage = Stage, Seed = config.Seed, InputFingerprint = data.Fingerprint };
        string? checkpoint = null;
        if (resume)
        {
            checkpoint = store.Latest() ?? throw new ArgumentException($"--resume: {store.Directory} holds no checkpoint to continue from");
            var saved = CheckpointStore.ReadState(checkpoint);
            if (saved.InputFingerprint != data.Fingerprint)
                throw new ArgumentException($"--resume: {checkpoint} was made with a different config or data; start a new run directory");
            state = CheckpointStore.Restore(checkpoint, modules, optimizers);
        }

        var sink = new MetricsFanOut([new JsonlMetricsSink(run.MetricsFile, checkpoint is null ? null : state.Step), .. extraSinks ?? []]);
        run.WriteEnvironment(model.Device.ToString(), config.Seed);
        if (checkpoint is null) await LogSetupAsync(sink, cancellationToken);

        var earlyStopping = new EarlyStopping(config.EarlyStoppingPatience, config.EarlyStoppingThreshold);
        double flopsPerToken = ModelFlops.TrainingPerToken(model, config.MaxLength);
        var clock = Stopwatch.StartNew();
        long tokensThisRun = 0;
        double? lastEvaluation = null;
        bool stoppedEarly = false;
        model.train(!config.DisableDropout);

        while (state.Step < totalSteps)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var batches = DataOrder.Batches(train.Count, config.PerDeviceTrainBatchSize, config.Seed, state.Epoch);
            var group = batches.Skip(state.BatchInEpoch).Take(accumulation).ToList();
            var (loss, tokens) = TrainStep(group);
            double gradNorm = optimization.Step(state.Step);
            tokensThisRun += tokens;

            int consumed = state.BatchInEpoch + group.Count;
            state = consumed >= batches.Count
                ? state with { Step = state.Step + 1, Epoch = state.Epoch + 1, BatchInEpoch = 0 }
                : state with { Step = state.Step + 1, BatchInEpoch = consumed };
            bool last = state.Step >= totalSteps;

            double tokensPerSecond = tokensThisRun / Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
            var metrics = new Dictionary<string, double>
            {
                ["train/loss"] = loss,
                ["train/learning_rate"] = optimization.CurrentLearningRate,
                ["train/grad_norm"] = gradNorm,
                ["train/epoch"] = state.Epoch + (double)state.BatchInEpoch / batches.Count,
                ["perf/tokens_per_second"] = tokensPerSecond,
            };
            if (config.PeakFlops > 0) metrics["perf/mfu"] = tokensPerSecond * flopsPerToken / config.PeakFlops;

            if (data.Validation.Examples.Count > 0 && (state.Step % config.EvalSteps == 0 || last))
            {
                double evalLoss = SftLoss.Mean(model, data.Validation.Examples, config.PerDeviceEvalBatchSize, PadId, cancellationToken);
                lastEvaluation = evalLoss;
                metrics["eval/loss"] = evalLoss;
                metrics["eval/perplexity"] = Math.Exp(evalLoss);
                (state, bool isBest) = earlyStopping.Observe(state, evalLoss);
                if (isBest) Export(run.BestModelDirectory, merge: false, cancellationToken);
                stoppedEarly = earlyStopping.ShouldStop(state);
            }
            if (state.Step % config.LoggingSteps == 0 || last || metrics.ContainsKey("eval/loss") || stoppedEarly)
                await sink.WriteAsync(new MetricsRecord(Stage, state.Step, metrics), cancellationToken);
            if (state.Step % config.SaveSteps == 0 || last || stoppedEarly)
                store.Save(state, modules, optimizers);
            progress?.Report(new TrainingProgress(Stage, state.Step, totalSteps, metrics, tokensPerSecond, clock.Elapsed));
            if (stoppedEarly) break;
        }

        return await FinishAsync(state, probe, stoppedEarly, lastEvaluation, sink, cancellationToken);
    }

    (double Loss, long Tokens) TrainStep(IReadOnlyList<int[]> group)
    {
        var batches = group.Select(indices => SftBatch.Collate(indices.Select(i => data.Train.Examples[i]).ToList(), PadId, model.Device)).ToList();
        try
        {
            // One mean over every learned token of the step, however the micro-batches split them.
            long learned = Math.Max(1, batches.Sum(b => b.LearnedTokens));
            using var total = zeros(1, dtype: ScalarType.Float32, device: model.Device);
            foreach (var batch in batches)
            {
                using var scope = NewDisposeScope();
                var loss = SftLoss.Sum(model, batch) / learned;
                loss.backward();
                total.add_(loss.detach());
            }
            return (total.item<float>(), batches.Sum(b => b.Tokens));
        }
        finally
        {
            foreach (var batch in batches) batch.Dispose();
        }
    }

    async Task<SftResult> FinishAsync(TrainerState state, ForgettingProbe? probe, bool stoppedEarly, double? lastEvaluation,
        IMetricsSink sink, CancellationToken cancellationToken)
    {
        double forgetting = probe?.Perplexity(model, cancellationToken) ?? double.NaN;
        if (probe is not null)
        {
            var values = new Dictionary<string, double>
            {
                ["forgetting/base_perplexity"] = probe.BasePerplexity,
                ["forgetting/perplexity"] = forgetting,
            };
            if (lastEvaluation is { } evalLoss) values["eval/loss"] = evalLoss;
            await sink.WriteAsync(new MetricsRecord(Stage, state.Step, values), cancellationToken);
        }
        var final = run.FinalModelDirectory;
        string? merged = Export(final, merge: config.Lora is not null && config.MergeAdapters, cancellationToken);
        return new SftResult
        {
            Steps = state.Step,
            StoppedEarly = stoppedEarly,
            BestValidationLoss = state.BestMetric,
            BestStep = state.BestStep,
            FinalValidationLoss = lastEvaluation,
            ForgettingBasePerplexity = probe?.BasePerplexity ?? double.NaN,
            ForgettingPerplexity = forgetting,
            FinalDirectory = final,
            MergedDirectory = merged,
        };
    }

    /// <summary>
    /// The whole model in Hugging Face layout with its tokenizer, or with LoRA the adapters in PEFT layout (with the
    /// base they apply to and, when asked, the merged model in merged/): see <see cref="LoraExport"/>.
    /// </summary>
    string? Export(string directory, bool merge, CancellationToken cancellationToken)
    {
        if (config.Lora is not { } lora)
        {
            HuggingFaceCheckpoint.Save(model, tokenizer, directory, cancellationToken: cancellationToken);
            return null;
        }
        // Merging is the last thing a run does: it turns the adapters into plain weights for good.
        return LoraExport.Save(model, lora, tokenizer, config.Model, directory, merge, cancellationToken);
    }

    async Task LogSetupAsync(IMetricsSink sink, CancellationToken cancellationToken)
    {
        // One row at step 0 with the sizes a reader of metrics.jsonl needs to interpret the rest.
        var values = new Dictionary<string, double>
        {
            ["setup/parameters"] = model.ParameterCount(),
            ["setup/trainable_parameters"] = model.ParameterCount(trainableOnly: true),
            ["setup/train_examples"] = data.Train.Examples.Count,
            ["setup/validation_examples"] = data.Validation.Examples.Count,
            ["setup/truncated_examples"] = data.Train.Truncated + data.Validation.Truncated,
            ["setup/dropped_examples"] = data.Train.DroppedWithoutTargets + data.Validation.DroppedWithoutTargets,
        };
        await sink.WriteAsync(new MetricsRecord(Stage, 0, values), cancellationToken);
    }
}
