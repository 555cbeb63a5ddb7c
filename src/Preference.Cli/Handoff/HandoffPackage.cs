using Preference.Cli.Configuration;
using Preference.Cli.RewardServing;
using Preference.Cli.Serving;
using Preference.Core.Datasets.Engines;

namespace Preference.Cli.Handoff;

/// <summary>
/// Writes a hand-off directory for one engine: the policy to start from (policy/), our reward model (reward_model/),
/// the reward server's config (reward-server.yaml), the data and launch files of the engine, and a README saying
/// what to run where.
/// </summary>
public static class HandoffPackage
{
    public static readonly IReadOnlyDictionary<string, IEngineHandoff> Engines = new IEngineHandoff[]
    {
        new OpenRlhfHandoff(), new VerlHandoff(), new TrlHandoff(),
    }.ToDictionary(e => e.Engine);

    /// <param name="promptsFile">Prompts to train on (default: the run's PPO prompts, else the distinct prompts of its pairs).</param>
    /// <param name="rewardConfig">A reward_server config to ship instead of one serving the run's reward model.</param>
    /// <param name="policy">The model to start from instead of the run's policy.</param>
    public static async Task<HandoffPlan> WriteAsync(IEngineHandoff engine, string runDirectory, string output, string? promptsFile,
        string? rewardConfig, string? policy, CancellationToken cancellationToken)
    {
        var run = RunLayout.Detect(runDirectory);
        var policySource = policy ?? run.Policy ?? throw new CliException(
            $"--policy: required: the {run.Kind} run {runDirectory} has no policy (a ppo or quickstart run has one)");
        if (!File.Exists(Path.Combine(policySource, "config.json"))) throw new CliException($"--policy: {policySource} is not a Hugging Face model directory (no config.json)");
        var prompts = await Prompts(run, promptsFile, cancellationToken);
        if (rewardConfig is null && run.RewardModel is null)
            throw new CliException($"--reward-config: required: the {run.Kind} run {runDirectory} has no reward model; give a reward_server config (e.g. configs/reward-server-stories.yaml)");

        Directory.CreateDirectory(output);
        Directory.CreateDirectory(Path.Combine(output, HandoffPlan.DataDirectory));
        var plan = new HandoffPlan(output, run, prompts, run.PairsFile, HasRewardModel: run.RewardModel is not null);
        // Files only: PPO's critic (value_model/) and LoRA's merged/ or base/ are not the policy an engine loads.
        HandoffFiles.CopyModel(policySource, plan.PathOf(HandoffPlan.PolicyDirectory));
        if (run.RewardModel is { } rewardModel) ExportRewardModel(rewardModel, plan.PathOf(HandoffPlan.RewardModelDirectory));
        await WriteRewardServerConfigAsync(plan, rewardConfig, cancellationToken);
        var engineReadme = await engine.WriteAsync(plan, cancellationToken);
        await File.WriteAllLinesAsync(plan.PathOf("README.md"), HandoffReadme.Lines(engine.Engine, plan, runDirectory, rewardConfig, engineReadme), cancellationToken);
        return plan;
    }

    /// <summary>
    /// The one place a hand-off exports the reward model. `pref rm train` already writes a
    /// LlamaForSequenceClassification directory (score.weight, num_labels 1, pad_token_id) with reward_model.json
    /// beside it, which both `pref serve-reward` and transformers read, so today this copies it whole.
    /// </summary>
    static void ExportRewardModel(string rewardModel, string target) => HandoffFiles.CopyModel(rewardModel, target);

    static async Task<IReadOnlyList<EnginePrompt>> Prompts(RunLayout run, string? promptsFile, CancellationToken cancellationToken)
    {
        if (promptsFile is null && run.Prompts is { Count: > 0 } inline)
            return inline.Select((p, i) => EnginePrompt.FromText(p, index: i)).ToList();
        if (promptsFile is null && run.PairsFile is null)
            throw new CliException($"--prompts: required: the {run.Kind} run has no prompts of its own");
        var prompts = await EngineExport.PromptsAsync(promptsFile, run.PairsFile is { } pairs ? () => EngineExport.ReadPairsAsync(pairs, cancellationToken) : null,
            "--prompts", cancellationToken);
        return prompts.Count > 0 ? prompts : throw new CliException("--prompts: no prompts to hand off");
    }

    /// <summary>
    /// reward-server.yaml: the given config (checked by the same loader `pref serve-reward` uses) or one that serves the
    /// run's reward model from reward_model/, a path relative to the hand-off directory the server is started in.
    /// </summary>
    static async Task WriteRewardServerConfigAsync(HandoffPlan plan, string? rewardConfig, CancellationToken cancellationToken)
    {
        var target = plan.PathOf(HandoffPlan.RewardServerConfig);
        if (rewardConfig is not null)
        {
            StageConfigFile.Load<RewardServerConfig>(rewardConfig, "reward_server", []);
            File.Copy(rewardConfig, target, overwrite: true);
            return;
        }
        await File.WriteAllTextAsync(target, $"""
            # The run's reward model served to the engine: cd into this directory, then
            #   pref serve-reward --config {HandoffPlan.RewardServerConfig} --urls http://0.0.0.0:5090
            reward_server:
              rewards:
                - kind: reward_model
                  name: reward_model
                  path: {HandoffPlan.RewardModelDirectory}
              max_batch_size: 64
              max_batch_delay_ms: 2

            """, cancellationToken);
    }
}
