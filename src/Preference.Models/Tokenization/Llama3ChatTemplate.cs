using System.Text;
using Preference.Core.Domain;

namespace Preference.Models.Tokenization;

/// <summary>
/// Llama-3-instruct: BOS, then <c>&lt;|start_header_id|&gt;role&lt;|end_header_id|&gt;\n\ncontent&lt;|eot_id|&gt;</c>
/// per turn with the content trimmed, as Meta's template does.
/// </summary>
public sealed class Llama3ChatTemplate(string bosToken = "<|begin_of_text|>") : ChatTemplate
{
    public override string Name => "llama3";

    public override bool RendersBos => true;

    public override string Render(IReadOnlyList<Message> messages, bool addGenerationPrompt)
    {
        RequireMessages(messages);
        var text = new StringBuilder(bosToken);
        foreach (var message in messages)
            text.Append("<|start_header_id|>").Append(message.Role).Append("<|end_header_id|>\n\n")
                .Append(message.Content.Trim()).Append("<|eot_id|>");
        if (addGenerationPrompt) text.Append("<|start_header_id|>assistant<|end_header_id|>\n\n");
        return text.ToString();
    }
}
