namespace Preference.Training.Reward.Data;

/// <summary>How much of a dialogue prompt the reward model reads before the completion.</summary>
public enum PromptContext
{
    /// <summary>The whole prompt (cut from the front only when the window is full).</summary>
    Full,

    /// <summary>
    /// Only the last human turn: in HH-RLHF the earlier dialogue is identical for chosen and rejected, so it carries no
    /// signal for the comparison and only spends the window and invites overfitting to topics.
    /// </summary>
    LastHumanTurn,
}
