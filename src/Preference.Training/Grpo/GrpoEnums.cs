namespace Preference.Training.Grpo;

/// <summary>
/// How a completion's advantage is made from the rewards of its group (the num_generations completions of one prompt).
/// </summary>
public enum AdvantageEstimator
{
    /// <summary>GRPO (Shao et al. 2024): reward minus the group mean, divided by a std as <see cref="ScaleRewards"/> says.</summary>
    Grpo,

    /// <summary>RLOO (Ahmadian et al. 2024): reward minus the mean of the group's other completions.</summary>
    Rloo,

    /// <summary>REINFORCE++ (Hu 2025): rewards whitened over the whole batch, no group baseline.</summary>
    ReinforcePp,

    /// <summary>REINFORCE++-baseline: the group mean subtracted first, then whitened over the batch.</summary>
    ReinforcePpBaseline,
}

/// <summary>What the GRPO estimator divides by (TRL scale_rewards): the group's std, the batch's, or nothing (Dr. GRPO).</summary>
public enum ScaleRewards { Group, Batch, None }

/// <summary>
/// How per-token losses become one number (TRL loss_type). grpo: mean per sequence, then over sequences (short
/// completions weigh more per token). bnpo: mean over the micro-batch's tokens. dr_grpo: sum over tokens divided by
/// rows × max_completion_length (no length bias). dapo: sum over tokens divided by the whole generation batch's tokens,
/// so every token weighs the same however the batch is cut into micro-batches.
/// </summary>
public enum GrpoLossType { Grpo, Bnpo, DrGrpo, Dapo }
