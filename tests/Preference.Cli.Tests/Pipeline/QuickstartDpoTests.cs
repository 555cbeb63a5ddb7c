using System.Text.Json;
using Preference.Cli.Pipeline;

namespace Preference.Cli.Tests.Pipeline;

/// <summary>quickstart.algorithm: dpo replaces the reward and PPO stages with DPO on the exported pairs.</summary>
public sealed class QuickstartDpoTests : IDisposable
{
    readonly TinyQuickstart _quickstart = new();

    [Fact]
    public async Task Dpo_trains_on_the_exported_pairs_and_eval_and_report_show_the_dpo_policy()
    {
        var result = await _quickstart.RunAsync("--set", "quickstart.algorithm=dpo");
        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        var run = _quickstart.RunDirectory;

        var stages = new StageLedger(run).Read();
        Assert.All(QuickstartPipeline.StagesFor(QuickstartAlgorithm.Dpo), s => Assert.True(stages[s.Name].Done, $"{s.Name} is not done"));
        Assert.False(stages.ContainsKey("ppo"));
        Assert.False(stages.ContainsKey("reward"));
        Assert.True(File.Exists(Path.Combine(run, "dpo/final/model.safetensors")));
        Assert.Contains("\"train/rewards/margins\"", File.ReadAllText(Path.Combine(run, "dpo/metrics.jsonl")));

        using var winRate = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "eval/winrate.json")));
        Assert.Equal(4, winRate.RootElement.GetProperty("comparisons").GetInt32() + winRate.RootElement.GetProperty("failed").GetInt32());
        var report = File.ReadAllText(Path.Combine(run, "report.html"));
        Assert.Contains("DPO held-out reward accuracy", report);
        Assert.Contains("<th>DPO policy</th>", report);
        Assert.DoesNotContain("PPO reward", report);
    }

    public void Dispose() => _quickstart.Dispose();
}
