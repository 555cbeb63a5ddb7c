using Preference.Cli.Serving;
using Preference.Training.Ppo;
using YamlDotNet.RepresentationModel;

namespace Preference.Cli.Rewards;

/// <summary>
/// Prompts for training and evaluation: a .txt (one per line), a .jsonl ({"prompt": …}) or a .yaml file whose
/// top-level <c>prompts:</c> is a list.
/// </summary>
public static class PromptLists
{
    public static IReadOnlyList<string> Read(string path, string option)
    {
        try
        {
            return path.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)
                ? ReadYaml(path)
                : PromptFile.Read(path);
        }
        catch (Exception e) when (e is InvalidDataException or FileNotFoundException or YamlDotNet.Core.YamlException)
        {
            throw new CliException($"{option}: {e.Message}");
        }
    }

    /// <summary>
    /// The reference answers a .jsonl prompts file gives (for reference-guided reward models); null when it gives none,
    /// so a run without references fingerprints as before.
    /// </summary>
    public static IReadOnlyDictionary<string, string>? ReadReferences(string path, string option)
    {
        try
        {
            var references = PromptFile.ReadReferences(path);
            return references.Count > 0 ? references : null;
        }
        catch (Exception e) when (e is InvalidDataException or FileNotFoundException)
        {
            throw new CliException($"{option}: {e.Message}");
        }
    }

    /// <summary>The other fields of a .jsonl prompts file's lines, per prompt (for the reward sources); null when it has none.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyDictionary<string, System.Text.Json.JsonElement>>? ReadFields(string path, string option)
    {
        try
        {
            var fields = PromptFile.ReadFields(path);
            return fields.Count > 0 ? fields : null;
        }
        catch (Exception e) when (e is InvalidDataException or FileNotFoundException)
        {
            throw new CliException($"{option}: {e.Message}");
        }
    }

    static List<string> ReadYaml(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such prompts file", path);
        using var reader = new StreamReader(path);
        var stream = new YamlStream();
        stream.Load(reader);
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root
            || !root.Children.TryGetValue(new YamlScalarNode("prompts"), out var node) || node is not YamlSequenceNode list)
            throw new InvalidDataException($"{path}: expected a top-level 'prompts:' list");
        var prompts = list.Children.Select((item, i) => item is YamlScalarNode { Value: { Length: > 0 } text }
            ? text
            : throw new InvalidDataException($"{path}: prompts[{i}] is not a non-empty string")).ToList();
        return prompts.Count > 0 ? prompts : throw new InvalidDataException($"{path}: the prompts list is empty");
    }
}
