using Preference.Core.Datasets.Engines;

namespace Preference.Cli.Handoff;

/// <summary>Everything an engine's hand-off writes from: the output directory and what the run gave it.</summary>
/// <param name="HasRewardModel">Whether reward_model/ was written (the reward server config scores with it).</param>
/// <param name="Pairs">The run's preference pairs file, or null.</param>
public sealed record HandoffPlan(string Output, RunLayout Run, IReadOnlyList<EnginePrompt> Prompts, string? Pairs, bool HasRewardModel)
{
    public const string PolicyDirectory = "policy";
    public const string RewardModelDirectory = "reward_model";
    public const string RewardServerConfig = "reward-server.yaml";
    public const string DataDirectory = "data";
    public const string DefaultRewardUrl = "http://127.0.0.1:5090";

    public string PathOf(params string[] parts) => Path.Combine([Output, .. parts]);
}
