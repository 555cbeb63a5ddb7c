using Preference.Models.Tokenization;
using Preference.Training.Data;
using Preference.Training.Reward.Data;

namespace Preference.Training.Dpo;

/// <summary>
/// A prompt and one completion as tokens: the prompt's (after BOS) and the completion's (ending with EOS), kept apart
/// so the completion alone is scored and KTO can put a completion after another row's prompt.
/// </summary>
public sealed record CompletionTokens(int[] Prompt, int[] Completion)
{
    /// <summary>Prompt then completion, with only the completion's tokens learned (scored).</summary>
    public TokenizedExample ToExample() => After(Prompt);

    /// <summary>This completion after another prompt (KTO's mismatched pairs for its KL estimate).</summary>
    public TokenizedExample After(int[] prompt)
    {
        var ids = new int[prompt.Length + Completion.Length];
        prompt.CopyTo(ids, 0);
        Completion.CopyTo(ids, prompt.Length);
        var learned = new bool[ids.Length];
        Array.Fill(learned, true, prompt.Length, Completion.Length);
        return new TokenizedExample(ids, learned);
    }

    public int Length => Prompt.Length + Completion.Length;

    /// <summary>
    /// Tokenizes the text the model would see (prompt, a space, completion; see <see cref="RewardText.Join"/>) in one
    /// piece, so words at the seam split as at inference, and finds where the prompt's own tokens stop. The completion
    /// is cut at the end to fit <paramref name="maxLength"/>; null when no completion token fits.
    /// </summary>
    public static CompletionTokens? Tokenize(string prompt, string completion, ModelTokenizer tokenizer, int maxLength, out bool truncated)
    {
        var full = tokenizer.Encode(RewardText.Join(prompt, completion), addBos: true).Append(tokenizer.EosId).ToArray();
        var promptIds = tokenizer.Encode(prompt, addBos: true);
        int start = 0;
        while (start < promptIds.Count && start < full.Length - 1 && promptIds[start] == full[start]) start++;
        // Position 0 is never predicted, so at least one token of context precedes the completion.
        start = Math.Max(start, 1);
        truncated = full.Length > maxLength;
        int end = Math.Min(full.Length, maxLength);
        if (end <= start) return null;
        return new CompletionTokens(full[..start], full[start..end]);
    }
}
