using Preference.Models.Tokenization;

namespace Preference.Training.Reward.Modeling;

/// <summary>
/// Turns a prompt+completion text into at most <see cref="MaxLength"/> ids ending in EOS, keeping the END when it is
/// too long: the final assistant turn decides most preferences, the opening turns least. The score is read at the EOS,
/// a position that has seen the whole window in every row.
/// </summary>
public sealed class TokenWindow(ModelTokenizer tokenizer, int maxLength)
{
    public int MaxLength { get; } = maxLength >= 4 ? maxLength : throw new ArgumentOutOfRangeException(nameof(maxLength), maxLength, "must be at least 4");

    public ModelTokenizer Tokenizer => tokenizer;

    /// <returns>The ids and whether the text had to be cut.</returns>
    public (int[] Ids, bool Truncated) Encode(string text)
    {
        // Untrusted text: a completion that contains "<|endoftext|>" must not end the sequence early.
        var body = tokenizer.Encode(text, addBos: false, addEos: false, parseSpecialTokens: false);
        int prefix = tokenizer.HasBos ? 1 : 0;
        int room = MaxLength - prefix - 1;
        bool truncated = body.Count > room;
        var ids = new int[prefix + Math.Min(room, body.Count) + 1];
        if (prefix == 1) ids[0] = tokenizer.BosId;
        for (int i = 0, start = Math.Max(0, body.Count - room); start + i < body.Count; i++) ids[prefix + i] = body[start + i];
        ids[^1] = tokenizer.EosId;
        return (ids, truncated);
    }
}
