using System.Text.Json;
using Preference.Cli.Pipeline;

namespace Preference.Cli.Tests.Pipeline;

public sealed class QuickstartEndToEndTests : IDisposable
{
    readonly TinyQuickstart _quickstart = new(ppoSteps: 10);

    [Fact]
    public async Task A_fresh_run_goes_through_every_stage_and_the_ppo_reward_rises()
    {
        var result = await _quickstart.RunAsync();
        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        var run = _quickstart.RunDirectory;

        var stages = new StageLedger(run).Read();
        Assert.All(QuickstartPipeline.Stages, s => Assert.True(stages[s.Name].Done, $"{s.Name} is not done"));
        foreach (var file in new[]
                 {
                     "config.json", "environment.json", "server/preference.db", "generate/candidates.jsonl", "export/pairs.jsonl",
                     "reward/metrics.jsonl", "reward/summary.json", "reward/final/model.safetensors", "ppo/metrics.jsonl",
                     "ppo/final/model.safetensors", "eval/winrate.json", "report.html",
                 })
            Assert.True(File.Exists(Path.Combine(run, file)), $"{file} is missing");

        // The judge ranked every task through the API, so the export holds pairs from the campaign.
        Assert.NotEmpty(File.ReadLines(Path.Combine(run, "export/pairs.jsonl")));

        var scores = MetricsSeries.Read(Path.Combine(run, "ppo/metrics.jsonl"), "objective/scores").Select(p => p.Value).ToList();
        Assert.Equal(10, scores.Count);
        // Halves, not the ends: single PPO steps at this tiny size swing by more than the trend.
        Assert.True(scores.Skip(5).Average() > scores.Take(5).Average(), $"reward did not rise: {string.Join(", ", scores)}");

        using var winRate = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "eval/winrate.json")));
        Assert.Equal(4, winRate.RootElement.GetProperty("comparisons").GetInt32() + winRate.RootElement.GetProperty("failed").GetInt32());

        var report = File.ReadAllText(Path.Combine(run, "report.html"));
        Assert.Equal(4, report.Split("<svg").Length - 1);
        Assert.Contains("Win rate vs SFT", report);
        Assert.Contains("dashboard: http://127.0.0.1:", result.Stdout);
    }

    public void Dispose() => _quickstart.Dispose();
}
