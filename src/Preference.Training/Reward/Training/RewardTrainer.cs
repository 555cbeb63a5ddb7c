using System.Diagnostics;
using Preference.Training.Common;
using Preference.Training.Reward.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Preference.Training.Reward.Training;

/// <summary>
/// One Bradley–Terry training loop on the shared mechanics (Common/): batches in a (seed, epoch) order, chosen and
/// rejected in one forward pass, AdamW with warm-up and cosine decay and clipping, validation every N steps with a
/// checkpoint (weights, optimizer, RNG, data position) each time, early stopping on validation loss, and the best
/// validation step's weights restored at the end. A run stopped at any point resumes to the same losses.
/// </summary>
public sealed class RewardTrainer(RewardModel model, RewardConfig config)
{
    public const string Stage = "reward";

    /// <param name="checkpointDirectory">Where checkpoints go; the best one is reloaded at the end.</param>
    /// <param name="resume">Continue from the newest checkpoint there, if any.</param>
    /// <param name="progress">Told after every optimizer step (with validation numbers on validation steps), as every stage's progress is.</param>
    public RewardTrainingResult Train(IReadOnlyList<EncodedPair> train, IReadOnlyList<EncodedPair> validation,
        string checkpointDirectory, bool resume = false, IMetricsSink? metrics = null, IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        if (train.Count == 0) throw new ArgumentException("no training pairs");
        if (validation.Count == 0) throw new ArgumentException("no validation pairs");
        var clock = Stopwatch.StartNew();
        var network = model.Network;
        int stepsPerEpoch = (train.Count + config.BatchSize - 1) / config.BatchSize;
        int totalSteps = stepsPerEpoch * config.NumTrainEpochs;
        using var optimization = new Optimization(network.parameters(), OptimizerSettings(), totalSteps);
        var checkpoints = new CheckpointStore(checkpointDirectory);
        var modules = new Dictionary<string, nn.Module> { [Stage] = network };
        var optimizers = new Dictionary<string, Optimization> { [Stage] = optimization };
        var stopping = new EarlyStopping(config.EarlyStoppingPatience, minDelta: 1e-4);

        var state = new TrainerState { Stage = Stage, Seed = config.Seed };
        if (resume && checkpoints.Latest() is { } latest)
            state = CheckpointStore.Restore(latest, modules, optimizers);
        bool stoppedEarly = stopping.ShouldStop(state);
        network.train();

        for (int epoch = state.Epoch; epoch < config.NumTrainEpochs && !stoppedEarly; epoch++)
        {
            var batches = DataOrder.Batches(train.Count, config.BatchSize, config.Seed, epoch);
            for (int b = epoch == state.Epoch ? state.BatchInEpoch : 0; b < batches.Count && !stoppedEarly; b++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var batch = batches[b].Select(i => train[i]).ToList();
                var started = clock.Elapsed;
                var (loss, accuracy, margin, mean, std, gradNorm) = Step(batch, optimization, state.Step);
                state = state with { Step = state.Step + 1, Epoch = b + 1 == batches.Count ? epoch + 1 : epoch, BatchInEpoch = (b + 1) % batches.Count };
                double pairsPerSecond = batch.Count / Math.Max(1e-9, (clock.Elapsed - started).TotalSeconds);
                double? evalLoss = null, evalAccuracy = null;
                if (state.Step % config.EvalSteps == 0 || b == batches.Count - 1)
                {
                    (evalLoss, evalAccuracy) = Validate(validation, cancellationToken);
                    (state, _) = stopping.Observe(state, evalLoss.Value);
                    checkpoints.Save(state, modules, optimizers);
                    stoppedEarly = stopping.ShouldStop(state);
                }
                var row = new RewardMetrics
                {
                    Step = (int)state.Step, Epoch = epoch + (b + 1.0) / batches.Count, Loss = loss, Accuracy = accuracy, Margin = margin,
                    RewardMean = mean, RewardStd = std, LearningRate = optimization.CurrentLearningRate, GradNorm = gradNorm, PairsPerSecond = pairsPerSecond,
                    EvalLoss = evalLoss, EvalAccuracy = evalAccuracy,
                };
                var record = row.ToRecord(Stage);
                metrics?.WriteAsync(record, cancellationToken).AsTask().GetAwaiter().GetResult();
                progress?.Report(new TrainingProgress(Stage, state.Step, totalSteps, record.Values, double.NaN, clock.Elapsed));
            }
        }

        double bestAccuracy = 0;
        if (state.BestStep is { } bestStep && checkpoints.AtStep(bestStep) is { } best)
        {
            CheckpointStore.LoadModule(network, Path.Combine(best, $"{Stage}.safetensors"));
            bestAccuracy = Validate(validation, cancellationToken).Accuracy;
        }
        network.eval();
        return new RewardTrainingResult((int)state.Step, (int)(state.BestStep ?? 0), state.BestMetric ?? double.NaN, bestAccuracy,
            stoppedEarly, train.Count(p => p.Truncated), train.Count, clock.Elapsed);
    }

    OptimizerConfig OptimizerSettings() => new()
    {
        LearningRate = config.LearningRate,
        WeightDecay = config.WeightDecay,
        MaxGradNorm = config.MaxGradNorm,
        Schedule = LearningRateScheduleKind.Cosine,
        WarmupRatio = config.WarmupFraction,
    };

    (double Loss, double Accuracy, double Margin, double Mean, double Std, double GradNorm) Step(IReadOnlyList<EncodedPair> batch,
        Optimization optimization, long step)
    {
        using var scope = NewDisposeScope();
        var rewards = Forward(batch);
        var (chosen, rejected) = (rewards[..batch.Count], rewards[batch.Count..]);
        var (margin, weight, tie) = Targets(batch);
        var loss = BradleyTerryLoss.Compute(chosen, rejected, margin, weight, tie, config.LabelSmoothing, config.CenteringCoefficient);
        loss.backward();
        double gradNorm = optimization.Step(step);
        using var noGrad = no_grad();
        var difference = (chosen - rejected).detach();
        return (loss.item<float>(), difference.gt(0).to(ScalarType.Float32).mean().item<float>(), difference.mean().item<float>(),
                rewards.mean().item<float>(), rewards.std().item<float>(), gradNorm);
    }

    /// <summary>Mean validation loss (plain Bradley–Terry, no centering or smoothing) and accuracy on strict pairs.</summary>
    public (double Loss, double Accuracy) Validate(IReadOnlyList<EncodedPair> validation, CancellationToken cancellationToken = default)
    {
        bool wasTraining = model.Network.training;
        model.Network.eval();
        double lossSum = 0, weightSum = 0, correct = 0;
        int strict = 0;
        try
        {
            using var noGrad = no_grad();
            foreach (var chunk in validation.Chunk(Math.Max(config.BatchSize, 32)))
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var rewards = Forward(chunk);
                var (chosen, rejected) = (rewards[..chunk.Length], rewards[chunk.Length..]);
                var (margin, weight, tie) = Targets(chunk);
                var loss = BradleyTerryLoss.Compute(chosen, rejected, margin, weight, tie);
                double w = weight.sum().item<float>();
                lossSum += loss.item<float>() * w;
                weightSum += w;
                var c = chosen.data<float>().ToArray();
                var r = rejected.data<float>().ToArray();
                for (int i = 0; i < chunk.Length; i++)
                {
                    if (chunk[i].Pair.Tie) continue;
                    strict++;
                    correct += c[i] > r[i] ? 1 : c[i] == r[i] ? 0.5 : 0;
                }
            }
        }
        finally
        {
            model.Network.train(wasTraining);
        }
        return (lossSum / Math.Max(1e-9, weightSum), strict == 0 ? 0 : correct / strict);
    }

    Tensor Forward(IReadOnlyList<EncodedPair> pairs)
    {
        var rows = pairs.Select(p => p.Chosen).Concat(pairs.Select(p => p.Rejected)).ToList();
        using var batch = RewardBatch.Pad(rows, model.Tokenizer.PadId, model.Device);
        return model.Forward(batch);
    }

    (Tensor Margin, Tensor Weight, Tensor Tie) Targets(IReadOnlyList<EncodedPair> pairs)
    {
        var device = model.Device;
        return (tensor(pairs.Select(p => (float)p.Pair.Margin).ToArray()).to(device),
                tensor(pairs.Select(p => (float)p.Pair.Weight).ToArray()).to(device),
                tensor(pairs.Select(p => p.Pair.Tie ? 1f : 0f).ToArray()).to(device));
    }
}
