using System.CommandLine;
using Preference.Cli.Configuration;
using Preference.Cli.Pipeline;
using Preference.Cli.Rewards;
using Preference.Cli.Serving;
using Preference.Training.Dpo;
using Preference.Training.Grpo;
using Preference.Training.Ppo;
using Preference.Training.Reward.Training;
using Preference.Training.Rewards;

namespace Preference.Cli.Commands;

/// <summary>
/// `pref quickstart`: the whole loop in one command — server, campaign, candidates, judge (or --human), pairs, reward
/// model, PPO, evaluation, report — in one run directory that a re-run resumes.
/// </summary>
public static class QuickstartCommand
{
    public static Command Create()
    {
        var config = new Option<FileInfo>("--config")
        {
            Description = "YAML with 'quickstart:', 'rm:', 'ppo:', 'dpo:' and 'grpo:' sections", DefaultValueFactory = _ => new FileInfo("configs/quickstart.yaml"),
        };
        var runDir = new Option<DirectoryInfo>("--run-dir")
        {
            Description = "Run directory (store, stage outputs, metrics, checkpoints, report); a re-run resumes it",
            DefaultValueFactory = _ => new DirectoryInfo("runs/quickstart"),
        };
        var set = new Option<string[]>("--set") { Description = "Override a setting: quickstart.key=value, rm.key=value, ppo.key=value, dpo.key=value or grpo.key=value (repeatable); lists in YAML flow syntax: ppo.prompts=[\"a\", \"b\"]" };
        var human = new Option<bool>("--human") { Description = "Wait for people to rank the campaign in the browser instead of the rule judge" };
        var urls = new Option<string>("--urls") { Description = "Where the server listens (port 0 picks a free one)", DefaultValueFactory = _ => "http://127.0.0.1:0" };
        var stopAfter = new Option<long?>("--stop-after-ppo-step") { Description = "Stop PPO after this step (it resumes on the next run)" };
        var command = new Command("quickstart", "Run the whole RLHF loop on the bundled model: judge-ranked campaign, reward model, PPO, evaluation, report")
        {
            config, runDir, set, human, urls, stopAfter, RuntimeOptions.Device, RuntimeOptions.Threads,
        };
        command.SetAction(CliAction.Of(async (parse, cancellationToken) =>
        {
            var device = RuntimeOptions.Apply(parse);
            var configFile = parse.GetValue(config)!.FullName;
            if (!File.Exists(configFile)) throw new CliException($"--config: '{configFile}' does not exist");
            var overrides = parse.GetValue(set) ?? [];
            foreach (var o in overrides)
                if (!new[] { "quickstart.", "rm.", "ppo.", "dpo.", "grpo." }.Any(section => o.StartsWith(section, StringComparison.Ordinal)))
                    throw new CliException($"--set: '{o}' must start with quickstart., rm., ppo., dpo. or grpo.");
            if (parse.GetValue(stopAfter) is < 1) throw new CliException("--stop-after-ppo-step: must be at least 1");
            var settings = StageConfigFile.Load<QuickstartSettings>(configFile, "quickstart", overrides);
            if (!File.Exists(settings.Judge)) throw new CliException($"{configFile}: quickstart.judge: '{settings.Judge}' does not exist");
            // Every setting is checked before the run directory exists, so a typo leaves nothing behind.
            var ppo = ResolvePpo(StageConfigFileWithPrompts(configFile, overrides, settings), parse.GetValue(runDir)!.FullName);
            // The reward model (PPO's and GRPO's reward) and DPO train on the pairs the export stage writes; their
            // sections' own train_file is not used.
            var reward = StageConfigFile.Load<RewardConfig>(configFile, "rm", [.. overrides, "rm.train_file=export/pairs.jsonl"]);
            var dpo = settings.Algorithm == QuickstartAlgorithm.Dpo
                ? StageConfigFile.Load<DpoConfig>(configFile, "dpo", [.. overrides, "dpo.train_file=export/pairs.jsonl"])
                : null;
            var grpo = settings.Algorithm == QuickstartAlgorithm.Grpo
                ? ResolveGrpo(StageConfigFile.Load<GrpoConfig>(configFile, "grpo", ["grpo.prompts=[\"(quickstart.prompts)\"]", .. overrides]), settings, parse.GetValue(runDir)!.FullName)
                : null;
            var run = Directory.CreateDirectory(parse.GetValue(runDir)!.FullName).FullName;

            await using var server = await InProcessServer.StartAsync(Path.Combine(run, "server"), parse.GetValue(urls)!, cancellationToken);
            Console.WriteLine($"dashboard: {server.Address}  (admin token: {server.AdminToken})");
            var context = new PipelineContext
            {
                RunDirectory = run, Settings = settings, Reward = reward, Ppo = ppo, Dpo = dpo, Grpo = grpo, Device = device, Server = server, Log = Console.Out,
                Human = parse.GetValue(human), StopAfterPpoStep = parse.GetValue(stopAfter),
            };
            RunManifest.Write(context, configFile, overrides, parse.GetValue(RuntimeOptions.Threads));
            bool finished = await new QuickstartPipeline(context).RunAsync(cancellationToken);
            if (finished) Console.WriteLine($"done: open {Path.Combine(run, Pipeline.Stages.ReportStage.FileName)}");
        }));
        return command;
    }

    /// <summary>PPO trains on the campaign's prompts unless the ppo: section names its own.</summary>
    static PpoConfig StageConfigFileWithPrompts(string configFile, string[] overrides, QuickstartSettings settings)
    {
        // The placeholder only satisfies the "prompts or prompts_file" check; the campaign prompts replace it below.
        var ppo = StageConfigFile.Load<PpoConfig>(configFile, "ppo", ["ppo.prompts_file=(quickstart.prompts)", .. overrides]);
        if (ppo.Prompts.Count > 0) return ppo with { PromptsFile = null };
        if (ppo.PromptsFile != "(quickstart.prompts)") return ppo with { Prompts = PromptLists.Read(ppo.PromptsFile!, "ppo.prompts_file").ToList(), PromptsFile = null };
        return ppo with { Prompts = settings.Prompts, PromptsFile = null };
    }

    /// <summary>Reward-model paths in ppo.rewards are relative to the run directory (reward/final is the one this run trains).</summary>
    static PpoConfig ResolvePpo(PpoConfig ppo, string run) => ppo with { Rewards = ResolveRewards(ppo.Rewards, run, "ppo.rewards") };

    /// <summary>GRPO trains on the campaign's prompts (the placeholder) unless the grpo: section names its own.</summary>
    static GrpoConfig ResolveGrpo(GrpoConfig grpo, QuickstartSettings settings, string run)
    {
        var prompts = grpo.PromptsFile is { } file ? PromptLists.Read(file, "grpo.prompts_file").ToList()
            : grpo.Prompts is ["(quickstart.prompts)"] ? settings.Prompts
            : grpo.Prompts;
        return grpo with { Prompts = prompts, PromptsFile = null, Rewards = ResolveRewards(grpo.Rewards, run, "grpo.rewards") };
    }

    static List<RewardSpec> ResolveRewards(IReadOnlyList<RewardSpec> specs, string run, string key)
    {
        var rewards = specs.Select(r => r.Kind == "reward_model" && r.Path is { } p && !Path.IsPathRooted(p)
            ? r with { Path = Path.GetFullPath(Path.Combine(run, p)) }
            : r).ToList();
        if (!rewards.Any(r => r.Kind == "reward_model"))
            throw new CliException($"{key}: the quickstart optimises the reward model it trains; list one with kind reward_model and path reward/final");
        return rewards;
    }
}
