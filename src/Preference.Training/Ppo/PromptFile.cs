using System.Text.Json;

namespace Preference.Training.Ppo;

/// <summary>Reads prompts: one per line (.txt, <c>\n</c> for a newline inside a prompt) or {"prompt": …} per line (.jsonl).</summary>
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
            prompts.Add(jsonl ? ReadJson(path, lineNumber, line) : line.Replace("\\n", "\n"));
        }
        if (prompts.Count == 0) throw new InvalidDataException($"{path}: no prompts in the file");
        return prompts;
    }

    static string ReadJson(string path, int lineNumber, string line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("prompt", out var prompt) && prompt.ValueKind == JsonValueKind.String
                && prompt.GetString() is { Length: > 0 } text)
                return text;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: line {lineNumber}: not JSON: {e.Message}");
        }
        throw new InvalidDataException($"{path}: line {lineNumber}: needs a non-empty string field \"prompt\"");
    }
}
