using System.Text;
using Preference.Core.Domain;

namespace Preference.Models.Tokenization;

/// <summary>
/// The plain-text dialogue of Anthropic's HH-RLHF (<c>\n\nHuman: ...\n\nAssistant: ...</c>) for models with no chat
/// special tokens, such as the bundled stories260K. A system message, if any, is written first as plain text.
/// The generation prompt ends at <c>"Assistant:"</c> because HH-RLHF answers begin with their own space.
/// </summary>
public sealed class HumanAssistantChatTemplate : ChatTemplate
{
    public override string Name => "human-assistant";

    public override string Render(IReadOnlyList<Message> messages, bool addGenerationPrompt)
    {
        RequireMessages(messages);
        var text = new StringBuilder();
        foreach (var message in messages)
        {
            switch (message.Role)
            {
                case "system": text.Append(message.Content); break;
                case "user": text.Append("\n\nHuman: ").Append(message.Content); break;
                case "assistant": text.Append("\n\nAssistant: ").Append(message.Content); break;
                default: throw new ArgumentException($"role '{message.Role}' has no Human/Assistant form", nameof(messages));
            }
        }
        if (addGenerationPrompt) text.Append("\n\nAssistant:");
        return text.ToString();
    }
}
