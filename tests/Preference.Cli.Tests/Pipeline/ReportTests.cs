using System.Text.Json;
using Preference.Cli.Pipeline.Stages;
using Preference.Training.Evaluation;

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

    [Fact]
    public void Judged_samples_read_as_text_with_quotes_as_written_and_markup_escaped()
    {
        Directory.CreateDirectory(Path.Combine(_directory, "eval"));
        var sample = new WinRateSample("Tom's dog said \"hi\".", "<script>alert('x')</script> & a happy dog", "Sue's cat – sad.", "win");
        File.WriteAllText(Path.Combine(_directory, "eval", "winrate.json"), JsonSerializer.Serialize(new WinRateReport
        {
            Judge = "rule", Prompts = 1, Comparisons = 1, Wins = 1, Ties = 0, Losses = 0, Failed = 0, WinRate = 1, CiLow = 0.2, CiHigh = 1,
            MeanKlPolicy = 1, MeanKlBaseline = 0, ReferencePerplexityPolicy = 3, ReferencePerplexityBaseline = 3, Samples = [sample],
        }));

        var html = ReportStage.Render(_directory);

        Assert.Contains("<td>Tom&#39;s dog said &quot;hi&quot;.</td>", html);
        Assert.Contains("<td>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; a happy dog</td>", html);
        Assert.Contains("<td>Sue&#39;s cat – sad.</td>", html);
        Assert.Contains("<td>PPO policy better</td>", html);
        Assert.DoesNotContain("\\u0027", html);
        Assert.DoesNotContain("<script>", html);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
