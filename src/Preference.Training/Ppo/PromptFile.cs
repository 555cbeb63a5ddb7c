using System.Text.Json;
using Preference.Core.Rewards;

namespace Preference.Training.Ppo;

/// <summary>
/// Reads prompts: one per line (.txt, <c>\n</c> for a newline inside a prompt) or {"prompt": …} per line (.jsonl), where
/// a line may also carry a <c>reference</c> answer for reference-guided reward models (<see cref="ReadReferences"/>).
/// </summary>
public static class PromptFile
{
    public static IReadOnlyList<string> Read(string path) => ReadAll(path).Prompts;

    /// <summary>
    /// Prompt → reference answer for the .jsonl lines that give a <c>reference</c> string; empty for .txt. The reference
    /// goes to the reward source beside the prompt (<see cref="Rewards.RewardInput.Reference"/>), never to the policy.
    /// </summary>
    public static IReadOnlyDictionary<string, string> ReadReferences(string path) => ReadAll(path).References;

    /// <summary>
    /// Prompt → the other fields of its .jsonl line (everything but <c>prompt</c> and <c>reference</c>: a test case, a
    /// task id, a difficulty), for the lines that have any; empty for .txt. Reward sources receive them beside the
    /// prompt (<see cref="Rewards.RewardInput.Fields"/>), as TRL passes a dataset's extra columns to its reward functions.
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlyDictionary<string, JsonElement>> ReadFields(string path) => ReadAll(path).Fields;

    /// <summary>The prompts, references and extra fields of a prompts file, from one pass over it.</summary>
    public static PromptFileContents ReadAll(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such prompts file", path);
        var prompts = new List<string>();
        var references = new Dictionary<string, string>(StringComparer.Ordinal);
        var fields = new Dictionary<string, IReadOnlyDictionary<string, JsonElement>>(StringComparer.Ordinal);
        int lineNumber = 0;
        bool jsonl = path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase);
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            if (!jsonl)
            {
                prompts.Add(line.Replace("\\n", "\n"));
                continue;
            }
            var (prompt, reference, extra) = ReadJson(path, lineNumber, line);
            prompts.Add(prompt);
            // One reference and one set of fields per prompt text: the rollout finds them by the prompt, so two
            // different ones would be ambiguous.
            if (reference is not null)
            {
                if (references.TryGetValue(prompt, out var earlier) && earlier != reference)
                    throw new InvalidDataException($"{path}: line {lineNumber}: reference: this prompt already has a different reference");
                references[prompt] = reference;
            }
            if (extra.Count > 0)
            {
                if (fields.TryGetValue(prompt, out var earlier) && !SameFields(earlier, extra))
                    throw new InvalidDataException($"{path}: line {lineNumber}: this prompt already has different extra fields");
                fields[prompt] = extra;
            }
        }
        if (prompts.Count == 0) throw new InvalidDataException($"{path}: no prompts in the file");
        return new PromptFileContents(prompts, references, fields);
    }

    static bool SameFields(IReadOnlyDictionary<string, JsonElement> a, IReadOnlyDictionary<string, JsonElement> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var other) && other.GetRawText() == kv.Value.GetRawText());

    static (string Prompt, string? Reference, Dictionary<string, JsonElement> Fields) ReadJson(string path, int lineNumber, string line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            var record = document.RootElement;
            if (record.ValueKind == JsonValueKind.Object
                && record.TryGetProperty("prompt", out var prompt) && prompt.ValueKind == JsonValueKind.String
                && prompt.GetString() is { Length: > 0 } text)
            {
                var fields = record.EnumerateObject().Where(p => p.Name is not ("prompt" or "reference"))
                    .ToDictionary(p => p.Name, p => p.Value.Clone(), StringComparer.Ordinal);
                if (!record.TryGetProperty("reference", out var reference) || reference.ValueKind == JsonValueKind.Null) return (text, null, fields);
                return reference.ValueKind == JsonValueKind.String
                    ? (text, reference.GetString(), fields)
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

/// <summary>What a prompts file holds: its prompts in order, and per prompt the reference and extra fields its line gives.</summary>
public sealed record PromptFileContents(
    IReadOnlyList<string> Prompts,
    IReadOnlyDictionary<string, string> References,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, JsonElement>> Fields);
