using static TorchSharp.torch;

namespace Preference.Training.Common;

/// <summary>
/// A stage that learns from its own samples (PPO, GRPO): a step is a rollout over a batch of prompts (generate, score)
/// and then an update over it that takes several optimizer steps (PPO's epochs × minibatches, GRPO's iterations).
/// <see cref="TrainingLoop"/> owns everything else as for any stage (run directory, resume and fingerprint,
/// environment, metrics sinks and progress, evaluation and early stopping, checkpoints, export), but the stage draws
/// each step's prompts from (seed, step), steps the optimizers itself and names its metrics as TRL does
/// (objective/kl, loss/policy_avg, reward, …, without the train/ prefix).
/// </summary>
public interface IOnlineTrainingStage : ITrainingStage
{
    /// <summary>Steps (rollout + update) in the run.</summary>
    long TotalSteps { get; }

    /// <summary>Optimizer steps one step takes; the learning-rate schedule spans TotalSteps × this.</summary>
    int OptimizerStepsPerStep { get; }

    /// <summary>
    /// One rollout and update. <paramref name="step"/> is 1-based and, with the seed, decides the prompts, the
    /// sampling and the minibatch order, so a resumed run repeats the uninterrupted one; optimizer step k of this
    /// step is <c>(step − 1) × OptimizerStepsPerStep + k</c> of the schedule.
    /// </summary>
    /// <returns>The step's metrics under the stage's own names and the tokens it generated.</returns>
    Task<StepOutcome> StepAsync(long step, IReadOnlyDictionary<string, Optimization> optimizers, CancellationToken cancellationToken);

    /// <summary>The epoch (pass over the prompts) a step belongs to, for train/epoch and the checkpoint.</summary>
    double EpochAt(long step);

    /// <summary>Values besides tensors the checkpoint must hold after a step (PPO's adaptive KL coefficient).</summary>
    IReadOnlyDictionary<string, double> ExtraState => new Dictionary<string, double>();

    /// <summary>
    /// After a checkpoint was restored: take back <paramref name="extra"/> and forget what was written after
    /// <paramref name="step"/> (samples.jsonl rows the resumed run writes again).
    /// </summary>
    void Resumed(long step, IReadOnlyDictionary<string, double> extra);

    // The loop never hands an online stage micro-batches of a fixed training set.
    StepOutcome ITrainingStage.Step(IReadOnlyList<int[]> microBatches, CancellationToken cancellationToken) =>
        throw new NotSupportedException("an online stage steps through StepAsync");
}
