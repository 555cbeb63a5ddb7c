namespace Preference.Core.Rewards;

/// <summary>One completion to score, with what it was generated from and how it ended.</summary>
/// <param name="EndedWithEos">Whether generation stopped on the stop token rather than the length limit.</param>
/// <param name="Reference">A reference answer for the prompt, for reward models that compare with one; kept out of the
/// prompt so the policy never sees (and copies) it.</param>
/// <param name="Fields">The prompt's other fields from a .jsonl prompts file (a test case, a task id), as TRL passes a
/// dataset's extra columns to reward functions; null when it has none.</param>
public sealed record RewardInput(string Prompt, string Completion, bool EndedWithEos = true, string? Reference = null,
    IReadOnlyDictionary<string, System.Text.Json.JsonElement>? Fields = null);
