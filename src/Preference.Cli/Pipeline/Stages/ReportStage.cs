using System.Net;
using System.Text;
using System.Text.Json;
using Preference.Training.Evaluation;

namespace Preference.Cli.Pipeline.Stages;

/// <summary>
/// report.html: the run's numbers and SVG plots of whichever algorithm ran (PPO: reward and KL per step and the reward
/// model's accuracy; DPO: loss, implicit-reward margin and held-out reward accuracy), and the held-out win rate.
/// </summary>
public sealed class ReportStage : IPipelineStage
{
    public const string FileName = "report.html";

    public string Name => "report";

    // Cheap and derived from files: always rewritten, so its fingerprint only tracks the layout version.
    public object Inputs(PipelineContext c) => new { version = 1 };

    public async Task<bool> RunAsync(PipelineContext c, bool resume, CancellationToken cancellationToken)
    {
        var html = Render(c.RunDirectory);
        var path = Path.Combine(c.RunDirectory, FileName);
        await File.WriteAllTextAsync(path, html, cancellationToken);
        c.Log.WriteLine($"report: {path}");
        return true;
    }

    public static string Render(string runDirectory)
    {
        string ppoMetrics = Path.Combine(runDirectory, "ppo", "metrics.jsonl");
        var rewards = MetricsSeries.Read(ppoMetrics, "objective/scores");
        var kl = MetricsSeries.Read(ppoMetrics, "objective/kl");
        var rmAccuracy = MetricsSeries.Read(Path.Combine(runDirectory, "reward", "metrics.jsonl"), "eval/accuracy");
        var winRateFile = Path.Combine(runDirectory, "eval", "winrate.json");
        var winRate = File.Exists(winRateFile) ? JsonSerializer.Deserialize<WinRateReport>(File.ReadAllText(winRateFile)) : null;
        string dpoMetrics = Path.Combine(runDirectory, "dpo", "metrics.jsonl");
        bool dpo = File.Exists(dpoMetrics);
        string grpoMetrics = Path.Combine(runDirectory, "grpo", "metrics.jsonl");
        bool grpo = !dpo && File.Exists(grpoMetrics);
        if (grpo)
        {
            // GRPO logs TRL's names: the mean reward-model score of each step's completions and the per-token KL.
            rewards = MetricsSeries.Read(grpoMetrics, "reward");
            kl = MetricsSeries.Read(grpoMetrics, "kl");
        }
        string method = dpo ? "DPO" : grpo ? "GRPO" : "PPO";
        string policyName = $"{method} policy";
        var summaryFile = Path.Combine(runDirectory, "reward", "summary.json");
        var reward = File.Exists(summaryFile) ? JsonSerializer.Deserialize<RewardSummary>(File.ReadAllText(summaryFile)) : null;

        var html = new StringBuilder();
        html.Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Preference quickstart report</title>")
            .Append("<style>body{font-family:sans-serif;max-width:980px;margin:2em auto;padding:0 1em}figure{display:inline-block;margin:.5em}")
            .Append("table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:4px 8px;text-align:left}.samples td{white-space:pre-wrap;vertical-align:top}</style></head><body>")
            .Append("<h1>Preference quickstart</h1>")
            .Append($"<p>Run directory: <code>{WebUtility.HtmlEncode(Path.GetFullPath(runDirectory))}</code>. ")
            .Append("The bundled stories260K policy wrote candidates, a rule judge ranked them through the annotation API, ")
            .Append(dpo
                ? "and DPO optimised the policy directly on the exported pairs (no reward model); "
                : $"a reward model learned from the exported pairs, and {method} optimised the policy against that reward model only; ")
            .Append("the rule judge then compared the new policy with the unchanged SFT policy on held-out prompts.</p>");

        html.Append("<h2>Summary</h2><table>");
        void Row(string what, string value) => html.Append($"<tr><th>{what}</th><td>{WebUtility.HtmlEncode(value)}</td></tr>");
        if (reward is not null)
            Row("Reward model", $"validation accuracy {reward.ValidationAccuracy:P1} (best of {reward.Steps} steps, {reward.TrainPairs} training pairs)");
        if (rewards.Count > 0)
            Row($"{method} reward (reward model score)", $"{rewards[0].Value:0.000} at step {rewards[0].Step} → {rewards[^1].Value:0.000} at step {rewards[^1].Step}");
        if (kl.Count > 0) Row($"{method} KL to SFT (last step)", $"{kl[^1].Value:0.000} {(grpo ? "nats per token" : "nats")}");
        var dpoLoss = MetricsSeries.Read(dpoMetrics, "train/loss");
        var dpoMargins = MetricsSeries.Read(dpoMetrics, "train/rewards/margins");
        var dpoAccuracy = MetricsSeries.Read(dpoMetrics, "eval/rewards/accuracies");
        if (dpoLoss.Count > 0) Row("DPO loss", $"{dpoLoss[0].Value:0.000} at step {dpoLoss[0].Step} → {dpoLoss[^1].Value:0.000} at step {dpoLoss[^1].Step}");
        if (dpoAccuracy.Count > 0) Row("DPO held-out pairs ranked right by the implicit reward", $"{dpoAccuracy[^1].Value:P1}");
        if (winRate is not null)
        {
            Row("Win rate vs SFT (held out, rule judge)", $"{winRate.WinRate:P1} (95% CI {winRate.CiLow:P1} – {winRate.CiHigh:P1}); {winRate.Wins} wins, {winRate.Ties} ties, {winRate.Losses} losses");
            Row("Mean KL to SFT (eval)", $"policy {winRate.MeanKlPolicy:0.00}, SFT {winRate.MeanKlBaseline:0.00} nats per sample");
            Row("Perplexity under SFT", $"policy {winRate.ReferencePerplexityPolicy:0.00}, SFT {winRate.ReferencePerplexityBaseline:0.00}");
        }
        html.Append("</table><h2>Plots</h2>");
        if (dpo)
        {
            html.Append("<figure>").Append(SvgLineChart.Render("DPO loss", "loss", dpoLoss)).Append("</figure>");
            html.Append("<figure>").Append(SvgLineChart.Render("DPO implicit-reward margin (chosen − rejected)", "β·log-ratio", dpoMargins, "#dc2626")).Append("</figure>");
            html.Append("<figure>").Append(SvgLineChart.Render("DPO held-out reward accuracy", "accuracy", dpoAccuracy, "#9333ea")).Append("</figure>");
        }
        else
        {
            html.Append("<figure>").Append(SvgLineChart.Render($"{method} reward (reward-model score)", "score", rewards)).Append("</figure>");
            html.Append("<figure>").Append(SvgLineChart.Render($"{method} KL to the SFT policy", "nats", kl, "#dc2626")).Append("</figure>");
            html.Append("<figure>").Append(SvgLineChart.Render("Reward model validation accuracy", "accuracy", rmAccuracy, "#9333ea")).Append("</figure>");
        }
        if (winRate is not null)
        {
            html.Append("<figure>").Append(SvgWinRateChart.Render(winRate.WinRate, winRate.CiLow, winRate.CiHigh)).Append("</figure>");
            html.Append("<h2>Judged samples</h2>")
                .Append($"<table class=\"samples\"><tr><th>prompt</th><th>{policyName}</th><th>SFT policy</th><th>judge</th></tr>");
            // The stories as text, HTML-encoded and nothing more: a sample is read, not parsed.
            foreach (var sample in winRate.Samples.Take(6))
                html.Append("<tr>").Append(Cell(sample.Prompt)).Append(Cell(sample.Policy)).Append(Cell(sample.Baseline))
                    .Append(Cell(Verdict(sample.Outcome, policyName))).Append("</tr>");
            html.Append("</table>");
        }
        html.Append("</body></html>");
        return html.ToString();
    }

    static string Cell(string text) => $"<td>{WebUtility.HtmlEncode(text)}</td>";

    static string Verdict(string outcome, string policyName) => outcome switch
    {
        "win" => $"{policyName} better",
        "loss" => "SFT policy better",
        "tie" => "tie",
        _ => outcome,
    };
}
