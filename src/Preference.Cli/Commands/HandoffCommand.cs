using System.CommandLine;
using Preference.Cli.Handoff;
using Preference.Cli.Serving;

namespace Preference.Cli.Commands;

/// <summary>
/// `pref handoff openrlhf|verl|trl --run DIR --out DIR`: everything a bigger engine needs to continue a run: the
/// policy, our reward model and a reward-server config for it, the data in the engine's format, a launch script and
/// a README saying what to run where. Code: src/Preference.Cli/Handoff/.
/// </summary>
public static class HandoffCommand
{
    public static Command Create()
    {
        var engine = new Argument<string>("engine") { Description = "openrlhf, verl or trl" };
        engine.AcceptOnlyFromAmong([.. HandoffPackage.Engines.Keys]);
        var run = new Option<DirectoryInfo>("--run") { Description = "A quickstart, ppo or rm run directory", Required = true };
        var output = new Option<DirectoryInfo>("--out", "-o") { Description = "Directory to write the hand-off into", Required = true };
        var prompts = new Option<string?>("--prompts") { Description = "Prompts file (.txt, .jsonl with reference, .yaml); default: the run's" };
        var rewardConfig = new Option<string?>("--reward-config") { Description = "A reward_server config to ship (default: one serving the run's reward model)" };
        var policy = new Option<string?>("--policy") { Description = "Hugging Face model directory to start from (default: the run's policy)" };
        var command = new Command("handoff", "Hand a run to OpenRLHF, verl or TRL: model, data, reward-server config, launch script")
        {
            engine, run, output, prompts, rewardConfig, policy,
        };
        command.SetAction(CliAction.Of(async (parse, cancellationToken) =>
        {
            var name = parse.GetValue(engine)!;
            var target = parse.GetValue(output)!.FullName;
            if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
                throw new CliException($"--out: {target} is not empty; choose a new directory");
            var plan = await HandoffPackage.WriteAsync(HandoffPackage.Engines[name], parse.GetValue(run)!.FullName, target,
                parse.GetValue(prompts), parse.GetValue(rewardConfig), parse.GetValue(policy), cancellationToken);
            Console.WriteLine($"handoff {name}: {plan.Prompts.Count} prompts{(plan.Pairs is null ? "" : ", pairs")}, policy, " +
                              $"{(plan.HasRewardModel ? "reward model, " : "")}reward-server config and launch files in {target}; see {Path.Combine(target, "README.md")}");
        }));
        return command;
    }
}
