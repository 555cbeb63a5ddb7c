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
        // The reward model's flat keys of before it shared TrainingArguments (rm: section).
        ["batch_size"] = "per_device_train_batch_size",
        ["learning_rate"] = "optimizer.learning_rate",
        ["weight_decay"] = "optimizer.weight_decay",
        ["warmup_fraction"] = "optimizer.warmup_ratio",
        ["max_grad_norm"] = "optimizer.max_grad_norm",
    };

    /// <summary>Keys whose setting now lives somewhere else than a key of the same section.</summary>
    static readonly Dictionary<string, string> Moved = new(StringComparer.Ordinal)
    {
        ["output_directory"] = "the run directory is the command's --output",
        ["reward"] = "the quickstart's reward model reads the top-level rm: section",
    };

    /// <summary>"unknown key 'epochs'"-style problem for a key YamlDotNet did not find, naming the new key when it was renamed.</summary>
    public static string UnknownKey(string key) =>
        Renamed.TryGetValue(key, out var current) ? $"'{key}' was renamed to '{current}'"
        : Moved.TryGetValue(key, out var where) ? $"'{key}' moved: {where}"
        : $"unknown key '{key}'";

    /// <summary>The key YamlDotNet's "Property 'x' not found on type …" message names, or null for other messages.</summary>
    public static string? NotFoundKey(string message) =>
        message.Contains("not found on type", StringComparison.Ordinal) && message.Split('\'') is { Length: >= 2 } parts ? parts[1] : null;
}
