using Preference.Core.Domain;

namespace Preference.Training.Reward.Data;

/// <summary>
/// How prompts and completions become the one text a reward model reads. Conversations are written as HH-RLHF
/// dialogue (<c>\n\nHuman: …\n\nAssistant: …</c>), so chat data, HH-RLHF and plain prompts look alike to the model.
/// </summary>
public static class RewardText
{
    public static string Conversation(IEnumerable<Message> messages) =>
        string.Concat(messages.Select(m => $"\n\n{Speaker(m.Role)}: {m.Content}"));

    /// <summary>A prompt that ends the dialogue with an open assistant turn, ready for a completion.</summary>
    public static string Prompt(string? text, IReadOnlyList<Message>? messages)
    {
        if (messages is not null) return Conversation(messages) + "\n\nAssistant:";
        return text ?? "";
    }

    /// <summary>A completion's text; multi-turn completions keep their speakers after the first reply.</summary>
    public static string Completion(string? text, IReadOnlyList<Message>? messages)
    {
        if (messages is null) return text ?? "";
        if (messages.Count == 1) return messages[0].Content;
        return (messages[0].Content + Conversation(messages.Skip(1))).Trim();
    }

    /// <summary>
    /// The model input as a reader sees it: prompt and completion with one space between them, added only when neither
    /// side has white space at the seam (a generated completion already starts with its space; HH-RLHF's "Assistant:"
    /// prompts and plain answers do not). Without a prompt the text starts at the completion's first word.
    /// </summary>
    public static string Join(string prompt, string completion)
    {
        if (prompt.Length == 0) return completion.TrimStart();
        if (completion.Length == 0 || char.IsWhiteSpace(prompt[^1]) || char.IsWhiteSpace(completion[0])) return prompt + completion;
        return prompt + " " + completion;
    }

    /// <summary>The part of a prompt the model reads: all of it, or from the last <c>\n\nHuman:</c> on (the whole prompt if it has none).</summary>
    public static string Context(string prompt, PromptContext context)
    {
        if (context == PromptContext.Full) return prompt;
        int last = prompt.LastIndexOf(HumanTurn, StringComparison.Ordinal);
        return last <= 0 ? prompt : prompt[last..];
    }

    const string HumanTurn = "\n\nHuman:";

    static string Speaker(string role) => role switch
    {
        "user" or "human" => "Human",
        "assistant" => "Assistant",
        "system" => "System",
        _ => char.ToUpperInvariant(role[0]) + role[1..],
    };
}
