using System.Runtime.InteropServices;
using System.Text.Json;

namespace Preference.Cli.Pipeline;

/// <summary>config.json and environment.json of a run: what was asked and where it ran, for anyone reading the run later.</summary>
public static class RunManifest
{
    static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static void Write(PipelineContext c, string? configFile, IReadOnlyList<string> overrides, int? threads)
    {
        File.WriteAllText(Path.Combine(c.RunDirectory, "config.json"), JsonSerializer.Serialize(new
        {
            config_file = configFile, overrides, quickstart = c.Settings, ppo = c.Ppo, dpo = c.Dpo, grpo = c.Grpo, human = c.Human,
        }, Json));
        File.WriteAllText(Path.Combine(c.RunDirectory, "environment.json"), JsonSerializer.Serialize(new
        {
            device = c.Device.ToString(),
            threads = threads ?? Environment.ProcessorCount,
            git_commit = Preference.Training.Common.RunDirectory.SourceCommit,
            algorithm = c.Settings.Algorithm.ToString().ToLowerInvariant(),
            seeds = new { generation = c.Settings.Seed, reward = c.Reward.Seed, ppo = c.Ppo.Seed, dpo = c.Dpo?.Seed, grpo = c.Grpo?.Seed },
            dotnet = RuntimeInformation.FrameworkDescription,
            os = RuntimeInformation.OSDescription,
            machine = Environment.MachineName,
            started_at = DateTimeOffset.UtcNow,
        }, Json));
    }

}
