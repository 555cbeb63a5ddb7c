using System.Text;
using System.Text.Json;

namespace Preference.Training.Reward.Data;

/// <summary>One retrieved passage: its title and its sentences (kept apart so a window can keep the relevant ones).</summary>
public sealed record Passage(string Title, IReadOnlyList<string> Sentences);

/// <summary>
/// A question with the passages its answers were written from, as one prompt text. qa-feedback's annotators judged
/// answers against these passages (an answer that states what no passage says is a grounding error), so a reward model
/// that sees only the question cannot tell the answers apart. The text is plain and parseable back, one sentence a line:
/// <code>
/// Question: …
///
/// Passage: title
/// sentence
/// sentence
///
/// Answer:
/// </code>
/// A policy prompted with the same text is scored by the same reward model in PPO.
/// </summary>
public sealed record QaPrompt(string Question, IReadOnlyList<Passage> Passages)
{
    const string QuestionLabel = "Question: ";
    const string PassageLabel = "\n\nPassage: ";
    const string AnswerLabel = "\n\nAnswer:";

    public string Format() => Format(Passages);

    /// <summary>The prompt with other passages (e.g. only the sentences a window has room for).</summary>
    public string Format(IEnumerable<Passage> passages)
    {
        var text = new StringBuilder(QuestionLabel).Append(OneLine(Question));
        foreach (var passage in passages)
        {
            text.Append(PassageLabel).Append(OneLine(passage.Title));
            foreach (var sentence in passage.Sentences) text.Append('\n').Append(OneLine(sentence));
        }
        return text.Append(AnswerLabel).ToString();
    }

    /// <summary>Every passage sentence (titles excluded), in order.</summary>
    public IEnumerable<string> Sentences => Passages.SelectMany(p => p.Sentences);

    /// <summary>The question and passages of a prompt written by <see cref="Format()"/>; null for any other prompt.</summary>
    public static QaPrompt? TryParse(string prompt)
    {
        if (!prompt.StartsWith(QuestionLabel, StringComparison.Ordinal) || !prompt.EndsWith(AnswerLabel, StringComparison.Ordinal)) return null;
        var body = prompt[QuestionLabel.Length..^AnswerLabel.Length];
        var blocks = body.Split(PassageLabel);
        var passages = blocks.Skip(1).Select(block =>
        {
            var lines = block.Split('\n');
            return new Passage(lines[0], lines.Skip(1).ToList());
        }).ToList();
        return new QaPrompt(blocks[0], passages);
    }

    /// <summary>
    /// qa-feedback's <c>passages</c>: a list of <c>[title, sentence, sentence, …]</c>, where the first sentence may
    /// repeat the title before a blank line (dropped here, the title is written once).
    /// </summary>
    public static IReadOnlyList<Passage> ReadPassages(JsonElement record)
    {
        if (!record.TryGetProperty("passages", out var passages) || passages.ValueKind == JsonValueKind.Null) return [];
        if (passages.ValueKind != JsonValueKind.Array) throw new RewardDataException("passages", "must be a list of [title, sentence, …] lists");
        var result = new List<Passage>();
        int index = 0;
        foreach (var passage in passages.EnumerateArray())
        {
            if (passage.ValueKind != JsonValueKind.Array || passage.GetArrayLength() == 0
                || passage.EnumerateArray().Any(s => s.ValueKind != JsonValueKind.String))
                throw new RewardDataException($"passages[{index}]", "must be a non-empty list of strings: [title, sentence, …]");
            var parts = passage.EnumerateArray().Select(s => s.GetString()!).ToList();
            var title = parts[0].Trim();
            var sentences = parts.Skip(1).Select(s => StripTitle(s, title)).Where(s => s.Length > 0).ToList();
            result.Add(new Passage(title, sentences));
            index++;
        }
        return result;
    }

    static string StripTitle(string sentence, string title)
    {
        var trimmed = sentence.Trim();
        return trimmed.StartsWith(title + "\n", StringComparison.Ordinal) ? trimmed[title.Length..].Trim() : trimmed;
    }

    // Newlines separate sentences in the format, so none may hide inside one.
    static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
