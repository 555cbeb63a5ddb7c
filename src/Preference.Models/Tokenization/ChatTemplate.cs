using Preference.Core.Domain;

namespace Preference.Models.Tokenization;

/// <summary>
/// Turns a conversation into the exact prompt text a chat model was trained on. The output may contain special
/// token strings (&lt;|im_start|&gt;, &lt;s&gt;); <see cref="ModelTokenizer.Encode"/> maps those to their ids, as
/// Hugging Face's <c>apply_chat_template</c> does.
/// </summary>
public abstract class ChatTemplate
{
    /// <summary>Short stable name (chatml, llama2, llama3, zephyr, human-assistant) for configs and logs.</summary>
    public abstract string Name { get; }

    /// <summary>True when the rendered text starts with the BOS token itself, so encoding must not add another.</summary>
    public virtual bool RendersBos => false;

    /// <param name="addGenerationPrompt">End with the header that makes the model answer as the assistant.</param>
    public abstract string Render(IReadOnlyList<Message> messages, bool addGenerationPrompt);

    public override string ToString() => Name;

    public static ChatTemplate ChatMl { get; } = new ChatMlChatTemplate();
    public static ChatTemplate Llama2 { get; } = new Llama2ChatTemplate();
    public static ChatTemplate Llama3 { get; } = new Llama3ChatTemplate();
    public static ChatTemplate Zephyr { get; } = new ZephyrChatTemplate();
    public static ChatTemplate HumanAssistant { get; } = new HumanAssistantChatTemplate();

    public static IReadOnlyList<ChatTemplate> BuiltIn { get; } = [ChatMl, Llama2, Llama3, Zephyr, HumanAssistant];

    /// <summary>A built-in by <see cref="Name"/>, case-insensitive; null if there is none.</summary>
    public static ChatTemplate? FromName(string name) =>
        BuiltIn.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase));

    protected static void RequireMessages(IReadOnlyList<Message> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        for (int i = 0; i < messages.Count; i++)
        {
            if (messages[i] is null) throw new ArgumentException($"messages[{i}] is null", nameof(messages));
            if (string.IsNullOrWhiteSpace(messages[i].Role)) throw new ArgumentException($"messages[{i}].Role is empty", nameof(messages));
            if (messages[i].Content is null) throw new ArgumentException($"messages[{i}].Content is null", nameof(messages));
        }
    }
}
