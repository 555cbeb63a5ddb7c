namespace Preference.Cli.RewardServing;

/// <summary>
/// OpenRLHF sends each rollout as one <c>query</c>: the decoded prompt and response together, special tokens kept
/// (a BOS or chat-template markers may precede the prompt text), with the prompt alone in <c>prompts</c>. Our
/// sources score a completion given its prompt, so the prompt is cut off where it occurs; a query that does not
/// contain its prompt is scored whole as the completion.
/// </summary>
public static class OpenRlhfQuery
{
    public static (string Prompt, string Completion) Split(string query, string? prompt)
    {
        if (string.IsNullOrEmpty(prompt)) return ("", query);
        int at = query.IndexOf(prompt, StringComparison.Ordinal);
        return at < 0 ? (prompt, query) : (prompt, query[(at + prompt.Length)..]);
    }
}
