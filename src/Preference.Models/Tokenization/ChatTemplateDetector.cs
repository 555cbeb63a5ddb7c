using System.Text.RegularExpressions;

namespace Preference.Models.Tokenization;

/// <summary>
/// Maps a Jinja <c>chat_template</c> from <c>tokenizer_config.json</c> to the built-in that renders the same text.
/// No maintained .NET Jinja engine is available to us, and the templates in the wild are a handful of formats
/// written in many spellings, so we recognise the format by the markers only it uses.
/// </summary>
public static partial class ChatTemplateDetector
{
    /// <returns>The matching template with the model's own BOS/EOS strings, or null when the format is unknown.</returns>
    public static ChatTemplate? Detect(string jinja, string? bosToken = null, string? eosToken = null)
    {
        ArgumentNullException.ThrowIfNull(jinja);
        if (jinja.Contains("<|im_start|>"))
        {
            var system = DefaultChatMlSystem().Match(jinja);
            return new ChatMlChatTemplate(system.Success ? Regex.Unescape(system.Groups[1].Value) : null);
        }
        if (jinja.Contains("<|start_header_id|>")) return new Llama3ChatTemplate(bosToken ?? "<|begin_of_text|>");
        if (jinja.Contains("[INST]") && jinja.Contains("<<SYS>>")) return new Llama2ChatTemplate(bosToken ?? "<s>", eosToken ?? "</s>");
        if (jinja.Contains("<|user|>") && jinja.Contains("<|assistant|>")) return new ZephyrChatTemplate(eosToken ?? "</s>");
        if (jinja.Contains("Human:") && jinja.Contains("Assistant:")) return ChatTemplate.HumanAssistant;
        return null;
    }

    // Qwen2 writes its fallback system turn as a string literal: '<|im_start|>system\nYou are ...<|im_end|>\n'.
    [GeneratedRegex(@"'<\|im_start\|>system\\n(.*?)<\|im_end\|>")]
    private static partial Regex DefaultChatMlSystem();
}
