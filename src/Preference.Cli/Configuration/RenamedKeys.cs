namespace Preference.Cli.Configuration;

/// <summary>
/// Config keys that were renamed to the names every stage shares (TRL's): an old key is an error that gives the new
/// name, never silently ignored.
/// </summary>
public static class RenamedKeys
{
    static readonly Dictionary<string, string> Renamed = new(StringComparer.Ordinal)
    {
        ["epochs"] = "num_train_epochs",
        ["frozen_layers"] = "freeze_layers",
        ["eval_every_steps"] = "eval_steps",
    };

    /// <summary>"unknown key 'epochs'"-style problem for a key YamlDotNet did not find, naming the new key when it was renamed.</summary>
    public static string UnknownKey(string key) =>
        Renamed.TryGetValue(key, out var current) ? $"'{key}' was renamed to '{current}'" : $"unknown key '{key}'";

    /// <summary>The key YamlDotNet's "Property 'x' not found on type …" message names, or null for other messages.</summary>
    public static string? NotFoundKey(string message) =>
        message.Contains("not found on type", StringComparison.Ordinal) && message.Split('\'') is { Length: >= 2 } parts ? parts[1] : null;
}
