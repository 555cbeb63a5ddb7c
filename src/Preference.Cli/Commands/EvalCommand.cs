using System.CommandLine;
using System.Text.Json;
using Preference.Cli.Judging;
using Preference.Cli.Rewards;
using Preference.Cli.Serving;
using Preference.Judges.Configuration;
using Preference.Models;
using Preference.Training.Evaluation;

namespace Preference.Cli.Commands;

/// <summary>
/// `pref eval winrate --policy A --baseline B --prompts P --judge J`: held-out win rate of a policy against a
/// baseline with a 95% interval, plus KL to the reference and the reference's perplexity of both.
/// </summary>
public static class EvalCommand
{
    public static Command Create()
    {
        var command = new Command("eval", "Evaluate trained policies");
        command.Subcommands.Add(WinRate());
        return command;
    }

    static Command WinRate()
    {
        var policy = new Option<string>("--policy") { Description = "The trained policy (Hugging Face directory or llama2.c .bin)", Required = true };
        var baseline = new Option<string?>("--baseline") { Description = "What it is compared with (default: the bundled stories260K)" };
        var reference = new Option<string?>("--reference") { Description = "The reference for KL and perplexity (default: the baseline)" };
        var prompts = new Option<string>("--prompts") { Description = "Held-out prompts: .txt, .jsonl or .yaml with a 'prompts:' list", Required = true };
        var judge = new Option<FileInfo>("--judge") { Description = "Judge configuration YAML (configs/judge*.yaml)", Required = true };
        var maxNewTokens = new Option<int>("--max-new-tokens") { Description = "Tokens per completion", DefaultValueFactory = _ => 64 };
        var temperature = new Option<double>("--temperature") { Description = "Sampling temperature of both models", DefaultValueFactory = _ => 1.0 };
        var stopToken = new Option<int?>("--stop-token-id") { Description = "Token that ends a completion (default: the tokenizer's EOS; 1 for llama2.c stories)" };
        var samplesPerPrompt = new Option<int>("--samples-per-prompt") { Description = "Completions per prompt and model", DefaultValueFactory = _ => 1 };
        var seed = new Option<long>("--seed") { Description = "Sampling seed, shared by both models", DefaultValueFactory = _ => 1234 };
        var output = new Option<FileInfo?>("--output", "-o") { Description = "Write the full report (with judged samples) as JSON" };
        var command = new Command("winrate", "Judge a policy against a baseline on held-out prompts")
        {
            policy, baseline, reference, prompts, judge, maxNewTokens, temperature, stopToken, samplesPerPrompt, seed, output,
            RuntimeOptions.Device, RuntimeOptions.Threads,
        };
        command.SetAction(CliAction.Of(async (parse, cancellationToken) =>
        {
            var device = RuntimeOptions.Apply(parse);
            if (parse.GetValue(maxNewTokens) < 1) throw new CliException("--max-new-tokens: must be at least 1");
            if (!(parse.GetValue(temperature) > 0)) throw new CliException("--temperature: must be positive (samples are compared)");
            if (parse.GetValue(samplesPerPrompt) < 1) throw new CliException("--samples-per-prompt: must be at least 1");
            var promptList = PromptLists.Read(parse.GetValue(prompts)!, "--prompts");
            var judgeConfig = await JudgeConfigs.LoadAsync(parse.GetValue(judge)!, cancellationToken);
            var configuredJudge = JudgeConfigLoader.CreateJudge(judgeConfig);

            using var policyBundle = ModelBundle.Load(parse.GetValue(policy), device);
            using var baselineBundle = ModelBundle.Load(parse.GetValue(baseline), device);
            using var referenceBundle = ModelBundle.Load(parse.GetValue(reference) ?? parse.GetValue(baseline), device);
            if (policyBundle.Model.Shape.VocabSize != baselineBundle.Model.Shape.VocabSize)
                throw new CliException("--baseline: its vocabulary differs from the policy's; both must share a tokenizer");

            var evaluation = new WinRateEvaluation(policyBundle.Model, baselineBundle.Model, referenceBundle.Model, policyBundle.Tokenizer,
                configuredJudge, judgeConfig.Parallelism);
            var report = await evaluation.RunAsync(promptList, new WinRateOptions
            {
                MaxNewTokens = parse.GetValue(maxNewTokens),
                Temperature = parse.GetValue(temperature),
                StopTokenId = parse.GetValue(stopToken),
                SamplesPerPrompt = parse.GetValue(samplesPerPrompt),
                Seed = parse.GetValue(seed),
            }, cancellationToken);

            Console.WriteLine($"judge {report.Judge}: {report.Comparisons} comparisons on {report.Prompts} prompts");
            Console.WriteLine($"win {report.Wins}  tie {report.Ties}  loss {report.Losses}  failed {report.Failed}");
            Console.WriteLine($"win rate {report.WinRate:P1}  (95% CI {report.CiLow:P1} .. {report.CiHigh:P1}, ties count half)");
            Console.WriteLine($"mean KL to reference: policy {report.MeanKlPolicy:0.00} nats/sample, baseline {report.MeanKlBaseline:0.00}");
            Console.WriteLine($"reference perplexity: policy {report.ReferencePerplexityPolicy:0.00}, baseline {report.ReferencePerplexityBaseline:0.00}");
            if (parse.GetValue(output) is { } file)
            {
                Directory.CreateDirectory(file.DirectoryName!);
                await File.WriteAllTextAsync(file.FullName, JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }), cancellationToken);
            }
        }));
        return command;
    }
}
