using System.Reflection;
using System.Text.Json;
using TorchSharp;

namespace Preference.Training.Common;

/// <summary>
/// The folder a stage writes into: run.json naming the run that owns it, metrics.jsonl, checkpoints/, the final model,
/// and environment.json recording how it ran (device, threads, seeds and RNG states, versions, source commit) so numbers can be
/// compared across runs.
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
    public string RunFile => System.IO.Path.Combine(Path, "run.json");

    public CheckpointStore Checkpoints(int keepLast = 2, string? runId = null) => new(CheckpointsDirectory, keepLast, runId);

    /// <summary>
    /// Makes this folder a run's own: a fresh run gets a new id in run.json, and a folder that already holds a run
    /// (run.json, metrics or checkpoints) is refused, because training into it would mix two runs' metrics and
    /// checkpoints. With <paramref name="resume"/> the run already there continues under its own id.
    /// </summary>
    /// <returns>The run id, which keys this run's checkpoints.</returns>
    public string Claim(string stage, bool resume)
    {
        var existing = ReadRun();
        if (resume)
        {
            if (existing is null) throw new ArgumentException($"--resume: {Path} holds no checkpoint to continue from (no run was started there); start without --resume");
            if (existing.Value.Stage != stage)
                throw new ArgumentException($"--resume: {Path} holds a {existing.Value.Stage} run, not a {stage} run");
            return existing.Value.Id;
        }
        bool used = existing is not null || File.Exists(MetricsFile)
                    || (Directory.Exists(CheckpointsDirectory) && Directory.EnumerateFileSystemEntries(CheckpointsDirectory).Any());
        if (used)
            throw new ArgumentException($"{Path} already holds a {existing?.Stage ?? "training"} run; pass --resume to continue it or choose another output directory");
        var id = Guid.NewGuid().ToString("N")[..12];
        File.WriteAllText(RunFile, JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["run_id"] = id, ["stage"] = stage, ["started"] = DateTimeOffset.UtcNow,
        }, new JsonSerializerOptions { WriteIndented = true }));
        return id;
    }

    (string Id, string Stage)? ReadRun()
    {
        if (!File.Exists(RunFile)) return null;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(RunFile));
            var root = document.RootElement;
            return (root.GetProperty("run_id").GetString()!, root.GetProperty("stage").GetString()!);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new ArgumentException($"{RunFile}: not a run file ({e.Message.Split('\n')[0]})");
        }
    }

    public void WriteEnvironment(string device, long seed)
    {
        var environment = new Dictionary<string, object?>
        {
            ["device"] = device,
            ["threads"] = torch.get_num_threads(),
            ["interop_threads"] = torch.get_num_interop_threads(),
            ["seed"] = seed,
            ["rng"] = RandomState(seed),
            ["dotnet"] = Environment.Version.ToString(),
            ["os"] = System.Runtime.InteropServices.RuntimeInformation.OSDescription,
            ["processors"] = Environment.ProcessorCount,
            ["torchsharp"] = typeof(torch).Assembly.GetName().Version?.ToString(),
            ["version"] = SourceVersion,
            ["git_commit"] = SourceCommit,
            ["started"] = DateTimeOffset.UtcNow,
        };
        File.WriteAllText(System.IO.Path.Combine(Path, "environment.json"),
            JsonSerializer.Serialize(environment, new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>
    /// Every source of randomness a run draws from, as it stands when training starts (after a resume's restore):
    /// torch's CPU generator (its seed and a SHA-256 of its full state, which is kilobytes, so two runs compare by
    /// hash; torch.manual_seed seeds CUDA's generators from the same seed), and the data order, which has no state of its own: each
    /// epoch's shuffle is drawn from (seed, epoch) alone (<see cref="DataOrder"/>).
    /// </summary>
    static Dictionary<string, object?> RandomState(long seed)
    {
        using var state = torch.get_rng_state();
        return new Dictionary<string, object?>
        {
            ["torch_initial_seed"] = torch.initial_seed(),
            ["torch_cpu_state_sha256"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(state.data<byte>().ToArray())),
            ["data_order"] = $"System.Random per epoch from seed {seed} and the epoch",
        };
    }

    /// <summary>The build's informational version, "1.0.0+&lt;commit&gt;" when built from a git checkout.</summary>
    public static string? SourceVersion { get; } =
        typeof(RunDirectory).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;

    /// <summary>
    /// The commit the code was built from, as the build stamped it into the assembly (Directory.Build.props asks git
    /// once at build time), so a run records it wherever the binaries are copied; null when built outside git.
    /// </summary>
    public static string? SourceCommit { get; } =
        SourceVersion?.IndexOf('+') is int plus and >= 0 ? SourceVersion[(plus + 1)..] : null;
}
