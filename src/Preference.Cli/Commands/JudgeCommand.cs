using System.CommandLine;
using Preference.Cli.Judging;
using Preference.Cli.Serving;
using Preference.Judges;
using Preference.Judges.Campaigns;
using Preference.Judges.Configuration;
using Preference.Judges.Running;

namespace Preference.Cli.Commands;

/// <summary>
/// `pref judge --judge CONFIG (--campaign ID | --tasks FILE -o FILE)`: an AI or rule judge ranks tasks like an
/// annotator; `pref judge agreement` measures it against humans.
/// </summary>
public static class JudgeCommand
{
    public static Command Create()
    {
        var config = new Option<FileInfo>("--judge") { Description = "Judge configuration YAML (see configs/judge*.yaml)", Required = true };
        var campaign = new Option<string?>("--campaign") { Description = "Work through this campaign's queue on the server (needs the judge's --token)" };
        var tasks = new Option<FileInfo?>("--tasks") { Description = "Judge a task file offline instead: JSONL {id, prompt, responses} or the PandaLM JSON layout" };
        var output = new Option<FileInfo?>("--output", "-o") { Description = "Verdict log (JSONL): required with --tasks, optional failure log with --campaign; re-running resumes it" };
        var limit = new Option<int?>("--limit") { Description = "Stop after this many tasks" };

        var command = new Command("judge", "Rank tasks with an AI, rule or reward-model judge")
        {
            config, campaign, tasks, output, limit, ApiConnection.ServerOption, JudgeApi.TokenOption,
        };
        command.Subcommands.Add(JudgeAgreementCommand.Create());
        command.SetAction(CliAction.Of(async (parse, cancellationToken) =>
        {
            var campaignId = parse.GetValue(campaign);
            var taskFile = parse.GetValue(tasks);
            if ((campaignId is null) == (taskFile is null)) throw new CliException("give exactly one of --campaign and --tasks");
            if (parse.GetValue(limit) is < 1) throw new CliException("--limit: must be at least 1");

            var judgeConfig = await JudgeConfigs.LoadAsync(parse.GetValue(config)!, cancellationToken);
            var judge = JudgeConfigLoader.CreateJudge(judgeConfig);
            var log = parse.GetValue(output) is { } path ? new JsonlVerdictLog(path.FullName) : null;
            var reporter = new ProgressLine(Console.Error);

            JudgeProgress result;
            if (taskFile is not null)
            {
                if (log is null) throw new CliException("--output: required with --tasks (the verdict log, also what makes a rerun resume)");
                var all = await TaskFiles.ReadAsync(taskFile, cancellationToken);
                var chosen = parse.GetValue(limit) is { } n ? all.Take(n) : all;
                result = await new JudgeRunner(judge, log).RunAsync(chosen, judgeConfig.Parallelism, reporter, cancellationToken);
            }
            else
            {
                using var http = JudgeApi.Create(parse);
                var run = new CampaignJudgeRun(judge, new CampaignClient(http, campaignId!), log);
                result = await run.RunAsync(parse.GetValue(limit), reporter, cancellationToken);
            }
            reporter.Finish(result);
            Console.WriteLine($"{judge.Identity.Name}: judged {result.Judged}, already done {result.Skipped}, failed {result.Failed}, order flipped {result.Flipped}");
        }));
        return command;
    }
}
