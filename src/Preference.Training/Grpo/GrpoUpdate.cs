using Preference.Training.Common;
using Preference.Training.Ppo;
using static TorchSharp.torch;

namespace Preference.Training.Grpo;

/// <summary>Means over a step's micro-batches (and optimizer steps) of what TRL logs for GRPO.</summary>
public sealed record GrpoUpdateStats(double Loss, double? Kl, double Entropy, double LowClipped, double HighClipped,
    double RegionClipped, double GradNorm, double LearningRate);

/// <summary>
/// The learning half of a critic-free step: num_iterations optimizer steps over the generation batch, each accumulated
/// over its micro-batches in a shuffled order; one forward of the policy per micro-batch (no value model).
/// </summary>
public sealed class GrpoUpdate(GrpoModels models, GrpoConfig config, Optimization optimization)
{
    const int StatCount = 6;

    /// <param name="step">1-based step: seeds the micro-batch order and places the learning-rate schedule.</param>
    public GrpoUpdateStats Run(GroupRollout rollout, long step, CancellationToken cancellationToken = default)
    {
        int batch = (int)rollout.BatchSize, micro = config.PerDeviceTrainBatchSize, accumulation = config.Optimizer.GradientAccumulationSteps;
        if (batch != config.GenerationBatchSize) throw new ArgumentException($"rollout has {batch} rows; the config's generation batch is {config.GenerationBatchSize}");
        using var outer = NewDisposeScope();
        var stats = zeros([config.NumIterations * accumulation, StatCount]);
        int filled = 0;
        double gradNorms = 0;
        for (int iteration = 0; iteration < config.NumIterations; iteration++)
        {
            long optimizerStep = (step - 1) * config.NumIterations + iteration;
            var order = DataOrder.Shuffled(batch, config.Seed, checked((int)optimizerStep));
            for (int a = 0; a < accumulation; a++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var (loss, row) = MicroBatch(rollout, order.AsSpan(a * micro, micro).ToArray(), accumulation);
                loss.backward();
                stats[filled++].copy_(row);
            }
            gradNorms += optimization.Step(optimizerStep);
        }
        // Losses are shares of their optimizer step's loss: summed over a step's micro-batches, then averaged over steps.
        var means = stats.mean([0L]).cpu().data<float>().ToArray();
        return new GrpoUpdateStats(means[0] * accumulation, config.Beta > 0 ? means[1] : null, means[2], means[3], means[4], means[5],
            gradNorms / config.NumIterations, optimization.CurrentLearningRate);
    }

    (Tensor Loss, Tensor Stats) MicroBatch(GroupRollout rollout, int[] rows, int accumulation)
    {
        var index = tensor(rows.Select(r => (long)r).ToArray(), device: rollout.Sequences.device);
        var sequences = rollout.Sequences.index_select(0, index);
        var attentionMask = rollout.AttentionMask.index_select(0, index);
        var mask = rollout.LossMask.index_select(0, index);
        var (logProbs, logits) = ResponseLogProbs.Compute(models.Policy, sequences, attentionMask, rollout.ContextLength, config.Temperature);
        var terms = GrpoLoss.Compute(logProbs, rollout.OldLogProbs?.index_select(0, index), rollout.RefLogProbs?.index_select(0, index),
            rollout.Advantages.index_select(0, index), mask, config, rollout.LossTokens, accumulation);

        using var noGrad = no_grad();
        var row = stack([
            terms.Loss.detach(),
            terms.Kl ?? zeros([]),
            MaskedStatistics.Mean(ResponseLogProbs.Entropy(logits), mask),
            terms.LowClipped,
            terms.HighClipped,
            terms.RegionClipped,
        ]);
        return (terms.Loss, row);
    }
}
