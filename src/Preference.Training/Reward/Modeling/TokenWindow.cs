using Preference.Models.Tokenization;
using Preference.Training.Reward.Data;

namespace Preference.Training.Reward.Modeling;

/// <summary>
/// Turns a prompt and a completion into at most <see cref="MaxLength"/> ids ending in EOS, keeping the END when it is
/// too long: the final assistant turn decides most preferences, the opening turns least. The score is read at the EOS,
/// a position that has seen the whole window in every row; pooled heads also need where the completion starts. The ids
/// are those of the one joined text (<see cref="RewardText.Join"/>) as the tokenizer encodes it, in training and in
/// scoring alike; the completion starts where the prompt's own ids stop agreeing with them. With a feature set the window also carries the
/// completion's features (<see cref="RewardFeatureSet"/>), computed from the untruncated prompt and, for reference
/// features, the reference answer, which is never part of the ids.
/// </summary>
public sealed class TokenWindow(ModelTokenizer tokenizer, int maxLength, PromptContext context = PromptContext.Full,
    RewardFeatures features = RewardFeatures.None)
{
    public int MaxLength { get; } = maxLength >= 4 ? maxLength : throw new ArgumentOutOfRangeException(nameof(maxLength), maxLength, "must be at least 4");

    public PromptContext Context { get; } = context;

    public ModelTokenizer Tokenizer => tokenizer;

    public RewardFeatures Features { get; } = features;

    /// <summary>The ids, the index of the completion's first id (after any cut), and whether the input had to be cut.</summary>
    /// <param name="reference">The prompt's reference answer, if any: read by reference features only.</param>
    public WindowedText Encode(string prompt, string completion, string? reference = null)
    {
        var features = RewardFeatureSet.Of(Features, prompt, completion, reference);
        int prefix = tokenizer.AddsBos ? 1 : 0;
        int room = MaxLength - prefix - 1;
        bool passagesCut = false;
        if (Context == PromptContext.RelevantPassages && QaPrompt.TryParse(prompt) is { } qa)
        {
            int completionTokens = Count(RewardText.Join(qa.Format([]), completion)[qa.Format([]).Length..]);
            var fitted = RelevantPassages.Fit(qa, completion, room - completionTokens, Count);
            passagesCut = fitted.Length < prompt.Length;
            prompt = fitted;
        }
        else prompt = RewardText.Context(prompt, Context);
        var joined = RewardText.Join(prompt, completion);
        // Untrusted text: a completion that contains "<|endoftext|>" must not end the sequence early.
        var (text, textCompletionStart) = tokenizer.EncodeJoined(joined[..prompt.Length], joined[prompt.Length..],
            addBos: false, parseSpecialTokens: false);
        int total = text.Count;
        int cut = Math.Max(0, total - room);
        var ids = new int[prefix + total - cut + 1];
        if (prefix == 1) ids[0] = tokenizer.BosId;
        int at = prefix;
        for (int i = cut; i < total; i++) ids[at++] = text[i];
        ids[^1] = tokenizer.EosId;
        int completionStart = prefix + Math.Max(0, textCompletionStart - cut);
        return new WindowedText(ids, completionStart, cut > 0 || passagesCut) { Features = features };
    }

    int Count(string text) => tokenizer.Encode(text, addBos: false, addEos: false, parseSpecialTokens: false).Count;

    /// <summary>A whole text read as one completion (no prompt): what callers without a prompt/completion split score.</summary>
    public WindowedText Encode(string text) => Encode("", text);
}

/// <summary>Window ids; positions from <paramref name="CompletionStart"/> to the end (EOS included) belong to the completion.</summary>
public sealed record WindowedText(int[] Ids, int CompletionStart, bool Truncated)
{
    /// <summary>The completion's features (<see cref="RewardFeatureSet"/>) when the model reads them, else null.</summary>
    public float[]? Features { get; init; }
}
