using System.Text;
using Preference.Core.Domain;

namespace Preference.Models.Tokenization;

/// <summary>
/// Llama-2-chat: <c>&lt;s&gt;[INST] &lt;&lt;SYS&gt;&gt;\nsystem\n&lt;&lt;/SYS&gt;&gt;\n\nuser [/INST] answer &lt;/s&gt;</c>,
/// one BOS per exchange; the system prompt folds into the first user turn. Roles must alternate user/assistant,
/// as Meta's reference template demands. There is no generation header: the prompt ends at <c>[/INST]</c>.
/// </summary>
public sealed class Llama2ChatTemplate(string bosToken = "<s>", string eosToken = "</s>") : ChatTemplate
{
    public override string Name => "llama2";

    public override bool RendersBos => true;

    public override string Render(IReadOnlyList<Message> messages, bool addGenerationPrompt)
    {
        RequireMessages(messages);
        string? system = messages.Count > 0 && messages[0].Role == "system" ? messages[0].Content : null;
        var turns = system is null ? messages : messages.Skip(1).ToList();
        var text = new StringBuilder();
        for (int i = 0; i < turns.Count; i++)
        {
            string expected = i % 2 == 0 ? "user" : "assistant";
            if (turns[i].Role != expected)
                throw new ArgumentException($"Llama-2 chat needs alternating user/assistant turns; turn {i} is '{turns[i].Role}'", nameof(messages));
            string content = turns[i].Content;
            if (i == 0 && system is not null) content = $"<<SYS>>\n{system}\n<</SYS>>\n\n{content}";
            if (expected == "user") text.Append(bosToken).Append("[INST] ").Append(content.Trim()).Append(" [/INST]");
            else text.Append(' ').Append(content.Trim()).Append(' ').Append(eosToken);
        }
        return text.ToString();
    }
}
