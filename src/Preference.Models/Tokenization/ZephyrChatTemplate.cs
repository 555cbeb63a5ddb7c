using System.Text;
using Preference.Core.Domain;

namespace Preference.Models.Tokenization;

/// <summary>Zephyr / TinyLlama-chat: <c>&lt;|role|&gt;\ncontent&lt;/s&gt;\n</c> per turn, <c>&lt;|assistant|&gt;\n</c> to answer.</summary>
public sealed class ZephyrChatTemplate(string eosToken = "</s>") : ChatTemplate
{
    public override string Name => "zephyr";

    public override string Render(IReadOnlyList<Message> messages, bool addGenerationPrompt)
    {
        RequireMessages(messages);
        var text = new StringBuilder();
        foreach (var message in messages)
            text.Append("<|").Append(message.Role).Append("|>\n").Append(message.Content).Append(eosToken).Append('\n');
        if (addGenerationPrompt) text.Append("<|assistant|>\n");
        return text.ToString();
    }
}
