using System.Text.Json;

namespace Preference.Core.Datasets.Engines;

/// <summary>
/// OpenRLHF's PPO prompt data (openrlhf/datasets/prompts_dataset.py): one JSON object per line with the prompt under
/// <c>input</c> (a string, or a message list read with <c>--data.apply_chat_template</c>) and the reference under
/// <c>label</c> (<c>--data.label_key label</c>), which OpenRLHF forwards to the remote reward as <c>labels</c>.
/// </summary>
public static class OpenRlhfPromptWriter
{
    public const string InputKey = "input";
    public const string LabelKey = "label";

    public static async Task<int> WriteAsync(Stream output, IReadOnlyList<EnginePrompt> prompts, bool conversational,
        CancellationToken cancellationToken = default)
    {
        await using var writer = new StreamWriter(output, leaveOpen: true);
        foreach (var prompt in prompts)
        {
            cancellationToken.ThrowIfCancellationRequested();
            object input = conversational ? EngineMessages.Of(prompt.Prompt) : prompt.Prompt.AsPlainText();
            await writer.WriteLineAsync(JsonSerializer.Serialize(new Dictionary<string, object> { [InputKey] = input, [LabelKey] = prompt.Reference ?? "" }));
        }
        return prompts.Count;
    }
}
