using Preference.Core.Domain;
using Preference.Models.Tokenization;

namespace Preference.Training.Data;

/// <summary>
/// Turns records into token ids with a loss mask: only the completion (or each assistant turn) is learned, the prompt
/// is context. Sequences longer than the limit are cut at the end; ones left with nothing to learn are dropped and
/// counted. Optional packing joins whole examples into rows of up to the limit, so no compute goes to padding.
/// </summary>
public static class SftTokenization
{
    /// <param name="learnPrompt">Learn the prompt too (plain language modelling), TRL's completion_only_loss=false.</param>
    public static TokenizedSet Tokenize(IEnumerable<SftRecord> records, ModelTokenizer tokenizer, ChatTemplate template,
        int maxLength, bool learnPrompt = false)
    {
        var examples = new List<TokenizedExample>();
        int truncated = 0, dropped = 0;
        foreach (var record in records)
        {
            var (ids, learned) = record.Messages is { } messages
                ? Chat(messages, tokenizer, template)
                : PromptCompletion(record.Prompt!, record.Completion!, tokenizer);
            if (learnPrompt) Array.Fill(learned, true, 1, learned.Length - 1);
            if (ids.Length > maxLength)
            {
                truncated++;
                ids = ids[..maxLength];
                learned = learned[..maxLength];
            }
            // Position 0 is never predicted (nothing comes before it), so it cannot count.
            learned[0] = false;
            if (!learned.Contains(true)) { dropped++; continue; }
            examples.Add(new TokenizedExample(ids, learned));
        }
        return new TokenizedSet(examples, truncated, dropped);
    }

    /// <summary>Joins whole examples, in order, into rows of at most <paramref name="maxLength"/> tokens.</summary>
    public static IReadOnlyList<TokenizedExample> Pack(IReadOnlyList<TokenizedExample> examples, int maxLength)
    {
        var rows = new List<TokenizedExample>();
        var ids = new List<int>(maxLength);
        var learned = new List<bool>(maxLength);
        foreach (var example in examples)
        {
            if (ids.Count > 0 && ids.Count + example.Ids.Length > maxLength)
            {
                rows.Add(new TokenizedExample([.. ids], [.. learned]));
                ids.Clear();
                learned.Clear();
            }
            ids.AddRange(example.Ids);
            learned.AddRange(example.Learned);
        }
        if (ids.Count > 0) rows.Add(new TokenizedExample([.. ids], [.. learned]));
        return rows;
    }

    static (int[] Ids, bool[] Learned) PromptCompletion(string prompt, string completion, ModelTokenizer tokenizer)
    {
        // Tokenize the whole text once (ModelTokenizer.EncodeJoined), as inference and the reward model read it.
        var (ids, start) = tokenizer.EncodeJoined(prompt, completion);
        var full = ids.Append(tokenizer.EosId).ToArray();
        var learned = new bool[full.Length];
        Array.Fill(learned, true, start, full.Length - start);
        return (full, learned);
    }

    static (int[] Ids, bool[] Learned) Chat(IReadOnlyList<Message> messages, ModelTokenizer tokenizer, ChatTemplate template)
    {
        bool endsWithAssistant = messages[^1].Role == "assistant";
        var full = tokenizer.EncodeChat(messages, addGenerationPrompt: false, template).ToList();
        if (endsWithAssistant) full.Add(tokenizer.EosId);
        var learned = new bool[full.Count];
        for (int i = 0; i < messages.Count; i++)
        {
            if (messages[i].Role != "assistant") continue;
            // The turn's tokens: from where the conversation-so-far plus the assistant cue ends, to where the
            // conversation including this turn ends.
            int start = i == 0
                ? (tokenizer.HasBos && full.Count > 0 && full[0] == tokenizer.BosId ? 1 : 0)
                : CommonPrefix(tokenizer.EncodeChat(messages.Take(i).ToList(), addGenerationPrompt: true, template), full);
            var through = tokenizer.EncodeChat(messages.Take(i + 1).ToList(), addGenerationPrompt: false, template);
            int end = Math.Min(through.Count, full.Count);
            if (i == messages.Count - 1 && endsWithAssistant) end = full.Count; // the EOS closing the answer is learned too
            Array.Fill(learned, true, start, Math.Max(0, end - start));
        }
        return ([.. full], learned);
    }

    static int CommonPrefix(IReadOnlyList<int> a, IReadOnlyList<int> b)
    {
        int n = Math.Min(a.Count, b.Count), i = 0;
        while (i < n && a[i] == b[i]) i++;
        return i;
    }
}
