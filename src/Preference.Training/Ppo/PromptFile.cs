using System.Text.Json;

namespace Preference.Training.Ppo;

/// <summary>
/// Reads prompts: one per line (.txt, <c>\n</c> for a newline inside a prompt) or {"prompt": …} per line (.jsonl), where
/// a line may also carry a <c>reference</c> answer for reference-guided reward models (<see cref="ReadReferences"/>).
/// </summary>
public static class PromptFile
{
    public static IReadOnlyList<string> Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such prompts file", path);
        var prompts = new List<string>();
        int lineNumber = 0;
        bool jsonl = path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase);
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            prompts.Add(jsonl ? ReadJson(path, lineNumber, line).Prompt : line.Replace("\\n", "\n"));
        }
        if (prompts.Count == 0) throw new InvalidDataException($"{path}: no prompts in the file");
        return prompts;
    }

    /// <summary>
    /// Prompt → reference answer for the .jsonl lines that give a <c>reference</c> string; empty for .txt. The reference
    /// goes to the reward source beside the prompt (<see cref="Rewards.RewardInput.Reference"/>), never to the policy.
    /// </summary>
    public static IReadOnlyDictionary<string, string> ReadReferences(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such prompts file", path);
        var references = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase)) return references;
        int lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            var (prompt, reference) = ReadJson(path, lineNumber, line);
            if (reference is null) continue;
            // One reference per prompt text: the rollout finds it by the prompt, so two different ones would be ambiguous.
            if (references.TryGetValue(prompt, out var earlier) && earlier != reference)
                throw new InvalidDataException($"{path}: line {lineNumber}: reference: this prompt already has a different reference");
            references[prompt] = reference;
        }
        return references;
    }

    static (string Prompt, string? Reference) ReadJson(string path, int lineNumber, string line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            var record = document.RootElement;
            if (record.ValueKind == JsonValueKind.Object
                && record.TryGetProperty("prompt", out var prompt) && prompt.ValueKind == JsonValueKind.String
                && prompt.GetString() is { Length: > 0 } text)
            {
                if (!record.TryGetProperty("reference", out var reference) || reference.ValueKind == JsonValueKind.Null) return (text, null);
                return reference.ValueKind == JsonValueKind.String
                    ? (text, reference.GetString())
                    : throw new InvalidDataException($"{path}: line {lineNumber}: reference: must be a string");
            }
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: line {lineNumber}: not JSON: {e.Message}");
        }
        throw new InvalidDataException($"{path}: line {lineNumber}: needs a non-empty string field \"prompt\"");
    }
}
