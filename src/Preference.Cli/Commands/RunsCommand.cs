using System.CommandLine;
using System.Text.Json;
using Preference.Cli.Pipeline;
using Preference.Cli.Serving;
using Preference.Training.Evaluation;

namespace Preference.Cli.Commands;

/// <summary>`pref runs list|show`: what the quickstart run directories under a folder hold, stage by stage.</summary>
public static class RunsCommand
{
    public static Command Create() => new("runs", "List and inspect quickstart run directories") { List(), Show() };

    static Command List()
    {
        var root = new Option<DirectoryInfo>("--root") { Description = "Folder holding run directories", DefaultValueFactory = _ => new DirectoryInfo("runs") };
        var command = new Command("list", "One line per run: its stages and headline numbers") { root };
        command.SetAction(CliAction.Of((parse, _) =>
        {
            var folder = parse.GetValue(root)!;
            if (!folder.Exists) throw new CliException($"--root: '{folder.FullName}' does not exist");
            var runs = folder.EnumerateDirectories().Where(d => File.Exists(Path.Combine(d.FullName, StageLedger.FileName))).OrderBy(d => d.Name).ToList();
            if (runs.Count == 0) Console.WriteLine($"no runs in {folder.FullName}");
            foreach (var run in runs)
            {
                var stages = new StageLedger(run.FullName).Read();
                int done = stages.Values.Count(s => s.Done);
                var last = stages.Values.Select(s => s.FinishedAt ?? s.StartedAt).DefaultIfEmpty().Max();
                Console.WriteLine($"{run.Name,-24} {done}/{Pipeline.QuickstartPipeline.StagesFor(Pipeline.QuickstartPipeline.AlgorithmOf(stages.Keys)).Count} stages done  {Headline(run.FullName)}  {last:yyyy-MM-dd HH:mm}");
            }
            return Task.CompletedTask;
        }));
        return command;
    }

    static Command Show()
    {
        var dir = new Argument<DirectoryInfo>("run-dir") { Description = "A run directory written by `pref quickstart`" };
        var command = new Command("show", "Stages, fingerprints and results of one run") { dir };
        command.SetAction(CliAction.Of((parse, _) =>
        {
            var run = parse.GetValue(dir)!;
            var ledger = new StageLedger(run.FullName);
            if (!File.Exists(ledger.FilePath)) throw new CliException($"run-dir: '{run.FullName}' is not a quickstart run (no {StageLedger.FileName})");
            var stages = ledger.Read();
            Console.WriteLine($"run {run.FullName}");
            foreach (var stage in Pipeline.QuickstartPipeline.StagesFor(Pipeline.QuickstartPipeline.AlgorithmOf(stages.Keys)))
            {
                var line = stages.TryGetValue(stage.Name, out var r)
                    ? $"{r.Status,-8} {r.Fingerprint}  {(r.FinishedAt ?? r.StartedAt):yyyy-MM-dd HH:mm:ss}"
                    : "pending";
                Console.WriteLine($"  {stage.Name,-9} {line}");
            }
            Console.WriteLine($"  {Headline(run.FullName)}");
            var report = Path.Combine(run.FullName, Pipeline.Stages.ReportStage.FileName);
            if (File.Exists(report)) Console.WriteLine($"  report: {report}");
            return Task.CompletedTask;
        }));
        return command;
    }

    static string Headline(string run)
    {
        var parts = new List<string>();
        var summary = Path.Combine(run, "reward", "summary.json");
        if (File.Exists(summary) && JsonSerializer.Deserialize<RewardSummary>(File.ReadAllText(summary)) is { } rm)
            parts.Add($"rm accuracy {rm.ValidationAccuracy:P1}");
        var scores = MetricsSeries.Read(Path.Combine(run, "ppo", "metrics.jsonl"), "objective/scores");
        if (scores.Count > 0) parts.Add($"ppo reward {scores[0].Value:0.00}->{scores[^1].Value:0.00} ({scores.Count} steps)");
        var dpoAccuracy = MetricsSeries.Read(Path.Combine(run, "dpo", "metrics.jsonl"), "eval/rewards/accuracies");
        if (dpoAccuracy.Count > 0) parts.Add($"dpo held-out reward accuracy {dpoAccuracy[^1].Value:P1}");
        var winRate = Path.Combine(run, "eval", "winrate.json");
        if (File.Exists(winRate) && JsonSerializer.Deserialize<WinRateReport>(File.ReadAllText(winRate)) is { } w)
            parts.Add($"win rate {w.WinRate:P1} [{w.CiLow:P0}, {w.CiHigh:P0}]");
        return parts.Count == 0 ? "(no results yet)" : string.Join("  ", parts);
    }
}
