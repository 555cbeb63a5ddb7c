using System.Diagnostics;
using System.Text.Json;

namespace Preference.Cli.Tests.Training;

/// <summary>
/// The one resume test every training stage runs: the real `pref` process trains straight through into one directory;
/// a second process with the same arguments is killed (SIGKILL, no chance to clean up) once it has logged
/// <c>killAfterStep</c> steps and written a checkpoint; `--resume` then finishes that run. Every logged loss of the
/// resumed run must equal the uninterrupted run's at the same step (online stages name their losses as TRL does, so
/// they say which metrics to compare).
/// </summary>
public static class ResumeAfterKill
{
    /// <param name="arguments">The stage's command line without --output/--resume (e.g. dpo -c config --set …).</param>
    /// <param name="workDirectory">Where the two run directories go.</param>
    /// <param name="metrics">The metrics compared at every step; default train/loss.</param>
    public static async Task AssertIdenticalLossesAsync(string[] arguments, string workDirectory, int killAfterStep = 3,
        params string[] metrics)
    {
        if (metrics.Length == 0) metrics = ["train/loss"];
        var straight = Path.Combine(workDirectory, "straight");
        var killed = Path.Combine(workDirectory, "killed");
        var done = await PrefProcess.RunAsync([.. arguments, "--output", straight]);
        Assert.True(done.ExitCode == 0, done.Stderr);

        await RunUntilKilledAsync([.. arguments, "--output", killed], killed, killAfterStep);
        var resumed = await PrefProcess.RunAsync([.. arguments, "--output", killed, "--resume"]);
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);

        foreach (var metric in metrics)
        {
            var expected = Losses(straight, metric);
            var actual = Losses(killed, metric);
            Assert.True(expected.Count > killAfterStep, $"the straight run logged only {expected.Count} values of {metric}; nothing was left to resume");
            Assert.Equal(expected.Keys, actual.Keys);
            foreach (var (step, loss) in expected)
                Assert.True(Math.Abs(loss - actual[step]) < 1e-5, $"step {step}: {metric} {loss} uninterrupted vs {actual[step]} resumed after a kill");
        }
    }

    static async Task RunUntilKilledAsync(string[] arguments, string runDirectory, int killAfterStep)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "pref.dll"));
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        var deadline = Stopwatch.StartNew();
        while (!process.HasExited && !(LoggedStep(runDirectory) >= killAfterStep && HasCheckpoint(runDirectory)))
        {
            if (deadline.Elapsed > TimeSpan.FromMinutes(3)) break;
            await Task.Delay(10);
        }
        Assert.False(process.HasExited, $"the run ended before it could be killed (exit {(process.HasExited ? process.ExitCode : 0)}): {await stderr}");
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        await stdout;
    }

    static long LoggedStep(string runDirectory)
    {
        var path = Path.Combine(runDirectory, "metrics.jsonl");
        if (!File.Exists(path)) return -1;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            long step = -1;
            while (reader.ReadLine() is { } line)
            {
                try { step = Math.Max(step, JsonDocument.Parse(line).RootElement.GetProperty("step").GetInt64()); }
                catch (JsonException) { } // a line being written
            }
            return step;
        }
        catch (IOException)
        {
            return -1;
        }
    }

    static bool HasCheckpoint(string runDirectory)
    {
        var checkpoints = Path.Combine(runDirectory, "checkpoints");
        return Directory.Exists(checkpoints)
               && Directory.EnumerateDirectories(checkpoints, "step-*").Any(d => !d.EndsWith(".partial", StringComparison.Ordinal));
    }

    static SortedDictionary<long, double> Losses(string runDirectory, string metric)
    {
        var losses = new SortedDictionary<long, double>();
        foreach (var line in File.ReadLines(Path.Combine(runDirectory, "metrics.jsonl")).Where(l => l.Length > 0))
        {
            var row = JsonDocument.Parse(line).RootElement;
            if (row.TryGetProperty(metric, out var value) && value.ValueKind == JsonValueKind.Number)
                losses[row.GetProperty("step").GetInt64()] = value.GetDouble();
        }
        return losses;
    }
}
