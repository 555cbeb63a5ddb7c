using System.Globalization;
using System.Text.RegularExpressions;
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
/// and the key, never silently ignored. An override's value is YAML when it starts like a flow collection or a quoted
/// scalar (<c>ppo.prompts=["Once upon a time", "Tom: a dog"]</c>, <c>ppo.rewards=[{kind: reward_model, path: rm}]</c>),
/// otherwise it is taken literally, so a prompt or path holding <c>: </c> or <c>#</c> needs no quoting.
/// </summary>
public static partial class StageConfigFile
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

        var document = new YamlStream(new YamlDocument(mapping));
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        document.Save(writer, assignAnchors: false);
        var merged = writer.ToString();
        T config;
        try
        {
            config = Deserializer.Deserialize<T>(merged) ?? new T();
        }
        catch (YamlException e)
        {
            var key = KeyAt(merged, (int)e.Start.Line);
            throw new CliException($"{source}: {section}{(key.Length > 0 ? "." + key : "")}: {Describe(e, SettingType(typeof(T), key))}");
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
        target.Children[new YamlScalarNode(keys[^1])] = ValueNode(assignment[..equals].Trim(), assignment[(equals + 1)..].Trim());
    }

    static YamlNode ValueNode(string key, string text)
    {
        if (text.Length == 0 || text[0] is not ('[' or '{' or '"' or '\'')) return new YamlScalarNode(text);
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            return stream.Documents[0].RootNode;
        }
        catch (YamlException e)
        {
            throw new CliException($"--set: {key}: '{text}' is not a YAML value ({(e.InnerException ?? e).Message.Split('\n')[0]}); " +
                                   "write a list as [a, b] or [\"a\", \"b\"]");
        }
    }

    /// <summary>
    /// The dotted key owning <paramref name="line"/> (1-based) of the merged document, so an error names the user's key
    /// (file or --set) rather than a position in a document the user never saw.
    /// </summary>
    static string KeyAt(string document, int line)
    {
        var path = new List<(int Indent, string Key)>();
        foreach (var text in document.Split('\n').Take(line))
        {
            if (KeyLine().Match(text) is not { Success: true } match) continue;
            int indent = match.Groups[1].Length;
            path.RemoveAll(p => p.Indent >= indent);
            path.Add((indent, match.Groups[2].Value));
        }
        return string.Join('.', path.Select(p => p.Key));
    }

    [GeneratedRegex(@"^((?:\s|-\s)*)([A-Za-z0-9_]+)\s*:")]
    private static partial Regex KeyLine();

    static string Describe(YamlException e, Type? expected)
    {
        var message = (e.InnerException?.Message ?? e.Message).Split('\n')[0];
        if (RenamedKeys.NotFoundKey(message) is { } unknown) return RenamedKeys.UnknownKey(unknown);
        // YamlDotNet's own words name CLR types and positions in the merged document, not what the user should write.
        if (expected is not null)
            return $"expected {Expected(expected)}" + (message.Contains("System.", StringComparison.Ordinal) || message.Contains("Line:", StringComparison.Ordinal) ? "" : $" ({message})");
        return message;
    }

    /// <summary>The type of the setting at a dotted snake_case key of <paramref name="type"/>, or null if there is none.</summary>
    static Type? SettingType(Type type, string key)
    {
        Type? current = type;
        foreach (var name in key.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            var property = current?.GetProperties().FirstOrDefault(p => UnderscoredNamingConvention.Instance.Apply(p.Name) == name);
            if (property is null) return null;
            current = property.PropertyType;
        }
        return current == type ? null : current;
    }

    static string Expected(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string)) return "text";
        if (type == typeof(bool)) return "true or false";
        if (type == typeof(int) || type == typeof(long)) return "a whole number";
        if (type == typeof(double) || type == typeof(float)) return "a number";
        if (type.IsEnum) return "one of " + string.Join(", ", Enum.GetNames(type).Select(UnderscoredNamingConvention.Instance.Apply));
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>))
            return $"a list of {Expected(type.GetGenericArguments()[0])}, e.g. [a, b]";
        return "a mapping of settings";
    }
}
