using System.Diagnostics;
using Preference.Training.Reward.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Preference.Training.Reward.Training;

/// <summary>
/// One Bradley–Terry training loop: batches of pairs (chosen and rejected in one forward pass), AdamW with warm-up and
/// cosine decay, gradient clipping, validation every N steps, early stopping on validation loss, and the best
/// validation step's weights restored at the end.
/// </summary>
public sealed class RewardTrainer(RewardModel model, RewardConfig config)
{
    /// <summary>Called after every optimizer step (and with validation numbers on validation steps).</summary>
    public event Action<RewardMetrics>? Progress;

    public RewardTrainingResult Train(IReadOnlyList<EncodedPair> train, IReadOnlyList<EncodedPair> validation,
        CancellationToken cancellationToken = default)
    {
        if (train.Count == 0) throw new ArgumentException("no training pairs");
        if (validation.Count == 0) throw new ArgumentException("no validation pairs");
        var clock = Stopwatch.StartNew();
        var network = model.Network;
        var parameters = network.parameters().Where(p => p.requires_grad).ToList();
        using var optimizer = optim.AdamW(parameters, config.LearningRate, weight_decay: config.WeightDecay);
        int stepsPerEpoch = (train.Count + config.BatchSize - 1) / config.BatchSize;
        int totalSteps = stepsPerEpoch * config.Epochs;
        int warmup = Math.Max(1, (int)(totalSteps * config.WarmupFraction));
        var random = new Random(config.Seed);
        var order = Enumerable.Range(0, train.Count).ToArray();

        int step = 0, bestStep = 0, sinceBest = 0;
        double bestLoss = double.PositiveInfinity, bestAccuracy = 0;
        Dictionary<string, Tensor>? best = null;
        bool stoppedEarly = false;
        network.train();

        for (int epoch = 0; epoch < config.Epochs && !stoppedEarly; epoch++)
        {
            random.Shuffle(order);
            for (int b = 0; b < stepsPerEpoch && !stoppedEarly; b++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var batch = order.Skip(b * config.BatchSize).Take(config.BatchSize).Select(i => train[i]).ToList();
                double lr = LearningRateSchedule.At(step, totalSteps, warmup, config.LearningRate);
                foreach (var group in optimizer.ParamGroups) group.LearningRate = lr;
                var started = clock.Elapsed;
                var (loss, accuracy, margin, mean, std) = Step(batch, optimizer, parameters);
                step++;
                double? evalLoss = null, evalAccuracy = null;
                if (step % config.EvalEverySteps == 0 || b == stepsPerEpoch - 1)
                {
                    (evalLoss, evalAccuracy) = Validate(validation, cancellationToken);
                    if (evalLoss < bestLoss - 1e-4)
                    {
                        (bestLoss, bestAccuracy, bestStep, sinceBest) = (evalLoss.Value, evalAccuracy.Value, step, 0);
                        DisposeAll(best);
                        best = Snapshot(network);
                    }
                    else if (config.EarlyStoppingPatience > 0 && ++sinceBest >= config.EarlyStoppingPatience)
                    {
                        stoppedEarly = true;
                    }
                }
                Progress?.Invoke(new RewardMetrics
                {
                    Step = step, Epoch = epoch + (b + 1.0) / stepsPerEpoch, Loss = loss, Accuracy = accuracy, Margin = margin,
                    RewardMean = mean, RewardStd = std, LearningRate = lr,
                    PairsPerSecond = batch.Count / Math.Max(1e-9, (clock.Elapsed - started).TotalSeconds),
                    EvalLoss = evalLoss, EvalAccuracy = evalAccuracy,
                });
            }
        }
        if (best is not null)
        {
            Restore(network, best);
            DisposeAll(best);
        }
        network.eval();
        return new RewardTrainingResult(step, bestStep, bestLoss, bestAccuracy, stoppedEarly,
            train.Count(p => p.Truncated), train.Count, clock.Elapsed);
    }

    (double Loss, double Accuracy, double Margin, double Mean, double Std) Step(IReadOnlyList<EncodedPair> batch,
        optim.Optimizer optimizer, IReadOnlyList<TorchSharp.Modules.Parameter> parameters)
    {
        using var scope = NewDisposeScope();
        var rewards = Forward(batch);
        var (chosen, rejected) = (rewards[..batch.Count], rewards[batch.Count..]);
        var (margin, weight, tie) = Targets(batch);
        var loss = BradleyTerryLoss.Compute(chosen, rejected, margin, weight, tie, config.LabelSmoothing, config.CenteringCoefficient);
        optimizer.zero_grad();
        loss.backward();
        if (config.MaxGradNorm > 0) nn.utils.clip_grad_norm_(parameters, config.MaxGradNorm);
        optimizer.step();
        using var noGrad = no_grad();
        var difference = (chosen - rejected).detach();
        return (loss.item<float>(), difference.gt(0).to(ScalarType.Float32).mean().item<float>(), difference.mean().item<float>(),
                rewards.mean().item<float>(), rewards.std().item<float>());
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

    static Dictionary<string, Tensor> Snapshot(nn.Module module)
    {
        using var noGrad = no_grad();
        return module.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone().DetachFromDisposeScope());
    }

    static void Restore(nn.Module module, Dictionary<string, Tensor> state)
    {
        using var noGrad = no_grad();
        foreach (var (name, tensor) in module.state_dict()) tensor.copy_(state[name]);
    }

    static void DisposeAll(Dictionary<string, Tensor>? state)
    {
        if (state is null) return;
        foreach (var t in state.Values) t.Dispose();
    }
}
