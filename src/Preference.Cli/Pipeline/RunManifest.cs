using System.Diagnostics;
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
            config_file = configFile, overrides, quickstart = c.Settings, ppo = c.Ppo, human = c.Human,
        }, Json));
        File.WriteAllText(Path.Combine(c.RunDirectory, "environment.json"), JsonSerializer.Serialize(new
        {
            device = c.Device.ToString(),
            threads = threads ?? Environment.ProcessorCount,
            git_commit = GitCommit(),
            seeds = new { generation = c.Settings.Seed, reward = c.Settings.Reward.Seed, ppo = c.Ppo.Seed },
            dotnet = RuntimeInformation.FrameworkDescription,
            os = RuntimeInformation.OSDescription,
            machine = Environment.MachineName,
            started_at = DateTimeOffset.UtcNow,
        }, Json));
    }

    static string? GitCommit()
    {
        try
        {
            using var git = Process.Start(new ProcessStartInfo("git", "rev-parse HEAD") { RedirectStandardOutput = true, RedirectStandardError = true });
            if (git is null) return null;
            var commit = git.StandardOutput.ReadToEnd().Trim();
            git.WaitForExit();
            return git.ExitCode == 0 ? commit : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // no git on this machine
        }
    }
}
