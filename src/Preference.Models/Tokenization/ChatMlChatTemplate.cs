using System.Text;
using Preference.Core.Domain;

namespace Preference.Models.Tokenization;

/// <summary>
/// ChatML (Qwen, many fine-tunes): <c>&lt;|im_start|&gt;role\ncontent&lt;|im_end|&gt;\n</c> per turn. Some models
/// (Qwen2) insert a default system turn when the conversation has none; that text is taken from their template.
/// </summary>
public sealed class ChatMlChatTemplate(string? defaultSystemPrompt = null) : ChatTemplate
{
    public override string Name => "chatml";

    public string? DefaultSystemPrompt { get; } = defaultSystemPrompt;

    public override string Render(IReadOnlyList<Message> messages, bool addGenerationPrompt)
    {
        RequireMessages(messages);
        var text = new StringBuilder();
        if (DefaultSystemPrompt is not null && (messages.Count == 0 || messages[0].Role != "system"))
            AppendTurn(text, "system", DefaultSystemPrompt);
        foreach (var message in messages) AppendTurn(text, message.Role, message.Content);
        if (addGenerationPrompt) text.Append("<|im_start|>assistant\n");
        return text.ToString();
    }

    static void AppendTurn(StringBuilder text, string role, string content) =>
        text.Append("<|im_start|>").Append(role).Append('\n').Append(content).Append("<|im_end|>\n");
}
