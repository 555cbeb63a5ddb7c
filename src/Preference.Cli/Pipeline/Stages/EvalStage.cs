using System.Text.Json;
using Preference.Cli.Judging;
using Preference.Cli.Rewards;
using Preference.Judges.Configuration;
using Preference.Models;
using Preference.Training.Evaluation;

namespace Preference.Cli.Pipeline.Stages;

/// <summary>
/// The PPO policy against the unchanged SFT policy on held-out prompts, judged by the rule judge (which PPO never saw:
/// it trained on the reward model only): win rate with a 95% interval, KL to the SFT policy, perplexity under it.
/// </summary>
public sealed class EvalStage : IPipelineStage
{
    public string Name => "eval";

    public object Inputs(PipelineContext c) => new
    {
        c.Settings.HeldoutPrompts, c.Settings.EvalSamplesPerPrompt, c.Settings.Seed, c.Settings.MaxNewTokens, c.Settings.StopTokenId,
        c.Ppo.Temperature, judge = StageLedger.FileHash(c.Settings.Judge),
    };

    public async Task<bool> RunAsync(PipelineContext c, bool resume, CancellationToken cancellationToken)
    {
        c.StageDirectory(Name);
        var judgeConfig = await JudgeConfigs.LoadAsync(new FileInfo(c.Settings.Judge), cancellationToken);
        var judge = JudgeConfigLoader.CreateJudge(judgeConfig);
        using var policy = ModelBundle.Load(c.PolicyDirectory, c.Device, cancellationToken: cancellationToken);
        using var sft = ModelBundle.Load(null, c.Device, cancellationToken: cancellationToken);
        var evaluation = new WinRateEvaluation(policy.Model, sft.Model, sft.Model, policy.Tokenizer, judge, judgeConfig.Parallelism);
        var report = await evaluation.RunAsync(c.Settings.HeldoutPrompts, new WinRateOptions
        {
            MaxNewTokens = c.Ppo.ResponseLength,
            Temperature = c.Ppo.Temperature,
            StopTokenId = c.Ppo.StopTokenId,
            SamplesPerPrompt = c.Settings.EvalSamplesPerPrompt,
            Seed = c.Settings.Seed,
        }, cancellationToken);
        await File.WriteAllTextAsync(c.WinRateFile, JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }), cancellationToken);
        c.Log.WriteLine($"eval: win rate vs SFT {report.WinRate:P1} (95% CI {report.CiLow:P1} .. {report.CiHigh:P1}) over {report.Comparisons} comparisons; " +
                        $"KL {report.MeanKlPolicy:0.00} nats; reference perplexity {report.ReferencePerplexityPolicy:0.00} vs {report.ReferencePerplexityBaseline:0.00}");
        return true;
    }
}
