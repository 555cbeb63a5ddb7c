using System.Globalization;
using Preference.Cli.Serving;
using Preference.Training.Common;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Preference.Cli.Configuration;

/// <summary>
/// Reads one stage's section (<c>sft:</c>, <c>rm:</c>, <c>ppo:</c>, …) of a YAML config into its record, after applying
/// <c>--set section.key=value</c> overrides. Unknown keys, wrong types and invalid values are errors that name the file
/// and the key, never silently ignored.
/// </summary>
public static class StageConfigFile
{
    static readonly IDeserializer Deserializer = new DeserializerBuilder()
        .WithNamingConvention(UnderscoredNamingConvention.Instance)
        .WithEnumNamingConvention(UnderscoredNamingConvention.Instance)
        .Build();

    /// <param name="path">The YAML file, or null for defaults plus overrides.</param>
    /// <param name="section">The top-level key holding this stage's settings.</param>
    /// <param name="overrides"><c>section.key.sub=value</c> strings from --set; others' sections are ignored.</param>
    public static T Load<T>(string? path, string section, IEnumerable<string> overrides) where T : class, new()
    {
        string source = path ?? "(defaults)";
        var root = path is null ? new YamlMappingNode() : ReadRoot(path);
        var node = root.Children.TryGetValue(new YamlScalarNode(section), out var found) ? found : new YamlMappingNode();
        if (node is not YamlMappingNode mapping) throw new CliException($"{source}: '{section}' must be a mapping of settings");
        foreach (var assignment in overrides) Apply(mapping, section, assignment);

        T config;
        try
        {
            var document = new YamlStream(new YamlDocument(mapping));
            using var writer = new StringWriter(CultureInfo.InvariantCulture);
            document.Save(writer, assignAnchors: false);
            config = Deserializer.Deserialize<T>(writer.ToString()) ?? new T();
        }
        catch (YamlException e)
        {
            throw new CliException($"{source}: {section}: {Describe(e)}");
        }
        if (config is IValidatedConfig validated && validated.Problems().FirstOrDefault() is { } problem)
            throw new CliException($"{source}: {section}.{problem}");
        return config;
    }

    static YamlMappingNode ReadRoot(string path)
    {
        if (!File.Exists(path)) throw new CliException($"config: '{path}' does not exist");
        try
        {
            using var reader = new StreamReader(path);
            var stream = new YamlStream();
            stream.Load(reader);
            if (stream.Documents.Count == 0) return new YamlMappingNode();
            return stream.Documents[0].RootNode as YamlMappingNode
                   ?? throw new CliException($"{path}: the top level must be a mapping of stage sections");
        }
        catch (YamlException e)
        {
            throw new CliException($"{path}: line {e.Start.Line}: malformed YAML: {e.Message}");
        }
    }

    static void Apply(YamlMappingNode mapping, string section, string assignment)
    {
        int equals = assignment.IndexOf('=');
        if (equals <= 0) throw new CliException($"--set: '{assignment}' is not key=value");
        var keys = assignment[..equals].Trim().Split('.');
        if (keys[0] != section) return;
        if (keys.Length < 2) throw new CliException($"--set: '{assignment}' names a section, not a key");
        var target = mapping;
        foreach (var key in keys[1..^1])
        {
            if (!target.Children.TryGetValue(new YamlScalarNode(key), out var child))
                target.Children[new YamlScalarNode(key)] = child = new YamlMappingNode();
            target = child as YamlMappingNode ?? throw new CliException($"--set: '{key}' in '{assignment}' is not a section");
        }
        target.Children[new YamlScalarNode(keys[^1])] = new YamlScalarNode(assignment[(equals + 1)..].Trim());
    }

    static string Describe(YamlException e)
    {
        var message = (e.InnerException?.Message ?? e.Message).Split('\n')[0];
        if (message.Contains("not found on type", StringComparison.Ordinal) && message.Split('\'') is { Length: >= 2 } parts)
            return $"unknown key '{parts[1]}'";
        // Line numbers here would point into the merged document, not the user's file, so none are given.
        return message;
    }
}
