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
    public static IReadOnlyList<string> Read(string path, string option) => ReadWithExtras(path, option).Prompts;

    /// <summary>
    /// The prompts of a file and, for a .jsonl one, each prompt's reference answer (for reference-guided reward models)
    /// and other fields (for the reward sources), read in one pass. References and fields are null when the file gives
    /// none, so a run without them fingerprints as before.
    /// </summary>
    public static PromptListWithExtras ReadWithExtras(string path, string option)
    {
        try
        {
            if (path.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
                return new PromptListWithExtras(ReadYaml(path), null, null);
            var file = PromptFile.ReadAll(path);
            return new PromptListWithExtras(file.Prompts, file.References.Count > 0 ? file.References : null, file.Fields.Count > 0 ? file.Fields : null);
        }
        catch (Exception e) when (e is InvalidDataException or FileNotFoundException or YamlDotNet.Core.YamlException)
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

/// <summary>Prompts with what a .jsonl prompts file adds for the reward sources; null where the file gives none.</summary>
public sealed record PromptListWithExtras(
    IReadOnlyList<string> Prompts,
    IReadOnlyDictionary<string, string>? References,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, System.Text.Json.JsonElement>>? Fields);
