using Preference.Cli.Pipeline.Stages;

namespace Preference.Cli.Tests.Pipeline;

public sealed class ReportTests : IDisposable
{
    readonly string _directory = Directory.CreateTempSubdirectory("pref-report-").FullName;

    [Fact]
    public void The_reward_plot_has_one_point_per_ppo_step_from_metrics_jsonl()
    {
        Directory.CreateDirectory(Path.Combine(_directory, "ppo"));
        File.WriteAllLines(Path.Combine(_directory, "ppo", "metrics.jsonl"),
        [
            """{"stage":"ppo","step":1,"objective/scores":-0.5,"objective/kl":0}""",
            """{"stage":"ppo","step":2,"objective/scores":0.1,"objective/kl":0.2}""",
            """{"stage":"ppo","step":3,"objective/scores":0.4,"objective/kl":0.3}""",
        ]);
        var html = ReportStage.Render(_directory);
        var rewardPlot = html[html.IndexOf("PPO reward (reward-model score)</text>", StringComparison.Ordinal)..];
        rewardPlot = rewardPlot[..rewardPlot.IndexOf("</svg>", StringComparison.Ordinal)];
        Assert.Equal(3, rewardPlot.Split("<circle").Length - 1);
        Assert.Contains("-0.500 at step 1 → 0.400 at step 3", html);
    }

    [Fact]
    public void A_run_without_results_yet_renders_empty_plots_not_an_error()
    {
        var html = ReportStage.Render(_directory);
        Assert.Contains("no data", html);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
