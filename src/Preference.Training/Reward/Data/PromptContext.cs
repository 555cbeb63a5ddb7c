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

    /// <summary>
    /// For question-with-passages prompts (<see cref="QaPrompt"/>): the question, then as many passage sentences as fit
    /// beside the whole completion, those sharing most words with the completion and the question first (kept in their
    /// passage order). The completion is what is judged and the sentences it draws on are what it is judged against;
    /// other prompts are read in full.
    /// </summary>
    RelevantPassages,
}
