using Preference.Training.Common;
using static TorchSharp.torch;

namespace Preference.Training.Ppo;

/// <summary>Means over the update's micro-batches of the quantities TRL logs.</summary>
public sealed record PpoUpdateStats(
    double ApproxKl, double PolicyClipFraction, double PolicyLoss, double ValueLoss, double ValueClipFraction,
    double Entropy, double RatioMean, double RatioVariance, int OptimizerSteps, bool StoppedEarly);

/// <summary>
/// The learning half of a PPO step: several epochs over the rollout in shuffled minibatches, each an optimizer step
/// accumulated over micro-batches, minimising the clipped policy loss plus vf_coef × the clipped value loss.
/// </summary>
public sealed class PpoUpdate(PpoModels models, PpoConfig config, Optimization optimization)
{
    const int StatCount = 7;

    /// <param name="step">1-based PPO step: seeds the minibatch order and places the learning-rate schedule.</param>
    /// <param name="advantageSign">1 for PPO; −1 only for tests proving that a flipped sign breaks learning.</param>
    public PpoUpdateStats Run(Rollout rollout, long step, double advantageSign = 1, CancellationToken cancellationToken = default)
    {
        int batch = (int)rollout.BatchSize, micro = config.PerDeviceTrainBatchSize, accumulation = config.Optimizer.GradientAccumulationSteps;
        int miniBatches = config.NumMiniBatches, epochs = config.NumPpoEpochs;
        if (batch != config.BatchSize) throw new ArgumentException($"rollout has {batch} rows; the config's batch is {config.BatchSize}");
        using var outer = NewDisposeScope();
        var stats = zeros([epochs * miniBatches * accumulation, StatCount]);
        int filled = 0, optimizerSteps = 0;
        bool stoppedEarly = false;

        for (int epoch = 0; epoch < epochs && !stoppedEarly; epoch++)
        {
            var order = DataOrder.Shuffled(batch, config.Seed, checked((int)((step - 1) * epochs + epoch)));
            for (int mb = 0; mb < miniBatches && !stoppedEarly; mb++)
            {
                int firstRow = filled;
                for (int a = 0; a < accumulation; a++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var rows = order.AsSpan((mb * accumulation + a) * micro, micro).ToArray();
                    using var scope = NewDisposeScope();
                    var (loss, row) = MicroBatch(rollout, rows, advantageSign);
                    (loss / accumulation).backward();
                    stats[filled++].copy_(row);
                }
                long optimizerStep = ((step - 1) * epochs + epoch) * miniBatches + mb;
                optimization.Step(optimizerStep);
                optimizerSteps++;
                // The one device sync per minibatch that early stopping needs; skipped when it is off.
                if (config.TargetKl is { } targetKl && stats.narrow(0, firstRow, filled - firstRow).select(1, 0).mean().item<float>() > 1.5 * targetKl)
                    stoppedEarly = true;
            }
        }

        var used = stats.narrow(0, 0, filled);
        var means = used.mean([0L]).cpu().data<float>().ToArray();
        var ratioVariance = filled > 1 ? used.select(1, 6).var().item<float>() : 0f;
        return new PpoUpdateStats(means[0], means[1], means[2], means[3], means[4], means[5], means[6], ratioVariance,
            optimizerSteps, stoppedEarly);
    }

    (Tensor Loss, Tensor Stats) MicroBatch(Rollout rollout, int[] rows, double advantageSign)
    {
        var index = tensor(rows.Select(r => (long)r).ToArray(), device: rollout.Sequences.device);
        var sequences = rollout.Sequences.index_select(0, index);
        var attentionMask = rollout.AttentionMask.index_select(0, index);
        var mask = rollout.ResponseMask.index_select(0, index);
        var oldLogProbs = rollout.LogProbs.index_select(0, index);
        var oldValues = rollout.Values.index_select(0, index);
        var returns = rollout.Returns.index_select(0, index);
        var advantages = rollout.Advantages.index_select(0, index) * advantageSign;
        long context = rollout.ContextLength;

        var (newLogProbs, logits, values) = PolicyValueForward.Compute(models, sequences, attentionMask, context, config.Temperature);

        var clippedValues = minimum(maximum(values, oldValues - config.CliprangeValue), oldValues + config.CliprangeValue);
        var valueLosses = (values - returns).square();
        var clippedValueLosses = (clippedValues - returns).square();
        var valueLoss = 0.5 * MaskedStatistics.Mean(maximum(valueLosses, clippedValueLosses), mask);

        var logRatio = (newLogProbs - oldLogProbs) * mask;
        var ratio = logRatio.exp();
        var policyLosses = -advantages * ratio;
        var clippedPolicyLosses = -advantages * ratio.clamp(1 - config.Cliprange, 1 + config.Cliprange);
        var policyLoss = MaskedStatistics.Mean(maximum(policyLosses, clippedPolicyLosses), mask);
        var loss = policyLoss + config.VfCoef * valueLoss;

        using var noGrad = no_grad();
        var row = stack([
            0.5 * MaskedStatistics.Mean(logRatio.square(), mask),
            MaskedStatistics.Mean(clippedPolicyLosses.gt(policyLosses).to(ScalarType.Float32), mask),
            policyLoss.detach(),
            valueLoss.detach(),
            MaskedStatistics.Mean(clippedValueLosses.gt(valueLosses).to(ScalarType.Float32), mask),
            MaskedStatistics.Mean(ResponseLogProbs.Entropy(logits), mask),
            MaskedStatistics.Mean(ratio, mask),
        ]);
        return (loss, row);
    }
}
