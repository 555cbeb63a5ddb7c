using System.Text.Json;
using Preference.Cli.Pipeline;

namespace Preference.Cli.Tests.Pipeline;

/// <summary>quickstart.algorithm: grpo replaces the PPO stage with GRPO against the same learned reward model.</summary>
public sealed class QuickstartGrpoTests : IDisposable
{
    readonly TinyQuickstart _quickstart = new();

    [Fact]
    public async Task Grpo_optimises_the_learned_reward_model_and_eval_and_report_show_the_grpo_policy()
    {
        var result = await _quickstart.RunAsync("--set", "quickstart.algorithm=grpo");
        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        var run = _quickstart.RunDirectory;

        var stages = new StageLedger(run).Read();
        Assert.All(QuickstartPipeline.StagesFor(QuickstartAlgorithm.Grpo), s => Assert.True(stages[s.Name].Done, $"{s.Name} is not done"));
        Assert.False(stages.ContainsKey("ppo"));
        Assert.Equal(QuickstartAlgorithm.Grpo, QuickstartPipeline.AlgorithmOf(stages.Keys));
        Assert.True(File.Exists(Path.Combine(run, "grpo/final/model.safetensors")));
        var metrics = File.ReadAllLines(Path.Combine(run, "grpo/metrics.jsonl"));
        Assert.Contains(metrics, line => line.Contains("\"reward_std\"", StringComparison.Ordinal));

        using var winRate = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "eval/winrate.json")));
        Assert.Equal(4, winRate.RootElement.GetProperty("comparisons").GetInt32() + winRate.RootElement.GetProperty("failed").GetInt32());
        var report = File.ReadAllText(Path.Combine(run, "report.html"));
        Assert.Contains("GRPO reward (reward model score)", report);
        Assert.Contains("<th>GRPO policy</th>", report);
        Assert.DoesNotContain("PPO reward", report);
    }

    [Fact]
    public async Task A_grpo_section_without_the_learned_reward_model_is_refused_before_anything_runs()
    {
        var result = await _quickstart.RunAsync("--set", "quickstart.algorithm=grpo", "--set", "grpo.rewards=[{kind: length}]");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("grpo.rewards", result.Stderr);
        Assert.False(Directory.Exists(_quickstart.RunDirectory), "nothing is written when a setting is wrong");
    }

    public void Dispose() => _quickstart.Dispose();
}
