using System.CommandLine;
using Preference.Cli.Configuration;
using Preference.Cli.Progress;

namespace Preference.Cli.Commands;

/// <summary>
/// The options every training stage's command shares (pref sft, rm train, dpo, kto, ppo, grpo): its YAML section with --set
/// overrides, the run directory, --resume, live metrics to a running `pref serve` (LiveMetrics' --server/--token), device and threads.
/// </summary>
public sealed class TrainingCommandOptions(string section, string exampleConfig)
{
    public Option<string?> Config { get; } = new("--config", "-c") { Description = $"YAML file with the {section}: section (see {exampleConfig})" };

    public Option<string[]> Set { get; } = new("--set") { Description = $"Override a setting: {section}.key=value (repeatable)", AllowMultipleArgumentsPerToken = false };

    public Option<string> Output { get; } = new("--output", "-o")
    {
        Description = "Run directory: metrics.jsonl, checkpoints/, final/ (best/ where the stage evaluates, samples.jsonl where it samples)", DefaultValueFactory = _ => $"runs/{section}",
    };

    public Option<bool> Resume { get; } = new("--resume") { Description = "Continue from the run directory's latest checkpoint" };

    /// <summary>A command with these options (and the runtime ones) added.</summary>
    public Command Command(string name, string description)
    {
        var command = new Command(name, description);
        foreach (var option in new Option[] { Config, Set, Output, Resume, LiveMetrics.Server, LiveMetrics.Token, RuntimeOptions.Device, RuntimeOptions.Threads })
            command.Options.Add(option);
        return command;
    }

    /// <summary>The stage's section of --config with the --set overrides applied, validated.</summary>
    public T Load<T>(ParseResult parse) where T : class, new() => StageConfigFile.Load<T>(parse.GetValue(Config), section, parse.GetValue(Set) ?? []);
}
