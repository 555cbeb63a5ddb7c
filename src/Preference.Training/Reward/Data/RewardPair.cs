namespace Preference.Training.Reward.Data;

/// <summary>
/// One comparison the reward model learns from: the same prompt with a preferred and a dispreferred completion, or two
/// completions judged equal (<see cref="Tie"/>; then which one is "chosen" carries no meaning).
/// </summary>
/// <param name="GroupId">The prompt's identity, so splits keep every pair of one prompt on the same side.</param>
/// <param name="Weight">Scales this pair's loss (e.g. annotator agreement); 1 by default.</param>
/// <param name="Margin">Subtracted from the reward difference inside the loss (how much better chosen must score).</param>
/// <param name="Reference">A reference answer for the prompt (qa-feedback's <c>gold</c>, a <c>reference</c> field), read by
/// reference-guided features; it travels beside the prompt, never inside it.</param>
public sealed record RewardPair(string GroupId, string Prompt, string Chosen, string Rejected, double Weight = 1, double Margin = 0, bool Tie = false,
    string? Reference = null);
