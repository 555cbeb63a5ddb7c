using System.Text.Json;
using TorchSharp;

namespace Preference.Training.Common;

/// <summary>
/// The folder a stage writes into: metrics.jsonl, checkpoints/, the final model, and environment.json recording how
/// it ran (device, threads, versions, git commit) so numbers can be compared across runs.
/// </summary>
public sealed class RunDirectory
{
    public RunDirectory(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }
    public string MetricsFile => System.IO.Path.Combine(Path, "metrics.jsonl");
    public string CheckpointsDirectory => System.IO.Path.Combine(Path, "checkpoints");
    public string FinalModelDirectory => System.IO.Path.Combine(Path, "final");
    public string BestModelDirectory => System.IO.Path.Combine(Path, "best");

    public CheckpointStore Checkpoints(int keepLast = 2) => new(CheckpointsDirectory, keepLast);

    public void WriteEnvironment(string device, long seed)
    {
        var environment = new Dictionary<string, object?>
        {
            ["device"] = device,
            ["threads"] = torch.get_num_threads(),
            ["seed"] = seed,
            ["dotnet"] = Environment.Version.ToString(),
            ["os"] = System.Runtime.InteropServices.RuntimeInformation.OSDescription,
            ["processors"] = Environment.ProcessorCount,
            ["torchsharp"] = typeof(torch).Assembly.GetName().Version?.ToString(),
            ["git_commit"] = GitCommit(),
            ["started"] = DateTimeOffset.UtcNow,
        };
        File.WriteAllText(System.IO.Path.Combine(Path, "environment.json"),
            JsonSerializer.Serialize(environment, new JsonSerializerOptions { WriteIndented = true }));
    }

    static string? GitCommit()
    {
        // Read .git/HEAD directly: no git process, and fine when git is not installed.
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var head = System.IO.Path.Combine(dir.FullName, ".git", "HEAD");
            if (!File.Exists(head)) continue;
            var text = File.ReadAllText(head).Trim();
            if (!text.StartsWith("ref: ", StringComparison.Ordinal)) return text;
            var reference = System.IO.Path.Combine(dir.FullName, ".git", text[5..]);
            return File.Exists(reference) ? File.ReadAllText(reference).Trim() : null;
        }
        return null;
    }
}
