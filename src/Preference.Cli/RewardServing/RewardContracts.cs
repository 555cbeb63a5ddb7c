using System.Text.Json.Serialization;

namespace Preference.Cli.RewardServing;

/// <summary>
/// OpenRLHF's remote reward request (openrlhf/utils/agent.py posts it to <c>--reward.remote_url</c>): the full text
/// of each rollout, its prompt and its ground-truth label. Documents the body in OpenAPI; the endpoint reads it with
/// <see cref="RewardRequests.OpenRlhf"/> to name a bad entry precisely.
/// </summary>
public sealed record OpenRlhfRewardRequest(
    [property: JsonPropertyName("query")] IReadOnlyList<string> Query,
    [property: JsonPropertyName("prompts")] IReadOnlyList<string>? Prompts,
    [property: JsonPropertyName("labels")] IReadOnlyList<string?>? Labels);

/// <summary>
/// OpenRLHF's answer (openrlhf/cli/serve_rm.py): <c>rewards</c> for the advantage, <c>scores</c> for dynamic
/// filtering (the same numbers, as serve_rm gives), and <c>extra_logs</c>, logged per rollout: here each source's
/// raw score.
/// </summary>
public sealed record OpenRlhfRewardResponse(
    [property: JsonPropertyName("rewards")] float[] Rewards,
    [property: JsonPropertyName("scores")] float[] Scores,
    [property: JsonPropertyName("extra_logs")] IReadOnlyDictionary<string, float[]> ExtraLogs);

/// <summary>The plain request, for verl's custom reward function and TRL's reward_funcs: one completion per prompt.</summary>
public sealed record RewardsRequest(
    [property: JsonPropertyName("prompts")] IReadOnlyList<string> Prompts,
    [property: JsonPropertyName("completions")] IReadOnlyList<string> Completions,
    [property: JsonPropertyName("references")] IReadOnlyList<string?>? References);

/// <summary>One weighted reward per completion, in order, and each source's raw scores.</summary>
public sealed record RewardsResponse(
    [property: JsonPropertyName("rewards")] float[] Rewards,
    [property: JsonPropertyName("parts")] IReadOnlyDictionary<string, float[]> Parts);

/// <summary>What <c>GET /health</c> answers.</summary>
public sealed record RewardHealth(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("sources")] IReadOnlyList<string> Sources,
    [property: JsonPropertyName("queued_items")] int QueuedItems,
    [property: JsonPropertyName("batches")] long Batches,
    [property: JsonPropertyName("scored")] long Scored);
