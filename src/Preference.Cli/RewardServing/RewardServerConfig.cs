using Preference.Training.Common;
using Preference.Training.Rewards;

namespace Preference.Cli.RewardServing;

/// <summary>
/// The <c>reward_server:</c> section of a config (configs/reward-server-*.yaml), read by the same loader as every
/// stage. <c>rewards</c> is the list PPO's <c>ppo.rewards</c> takes, built by the same code, so a reward PPO trains
/// with here is the reward an external trainer gets over HTTP.
/// </summary>
public sealed record RewardServerConfig : IValidatedConfig
{
    /// <summary>Reward sources summed with their weights (keyword, regex, length, reward_model, judge). Required.</summary>
    public List<RewardSpec> Rewards { get; init; } = [];

    /// <summary>judge rewards: the policy whose completion of each prompt a judge compares against. Default: bundled stories260K.</summary>
    public string? BaselinePolicy { get; init; }

    /// <summary>judge rewards: tokens the baseline policy writes per prompt. Default 64.</summary>
    public int BaselineResponseLength { get; init; } = 64;

    /// <summary>judge rewards: the baseline's stop token (llama2.c story models stop on 1). Default: the tokenizer's EOS.</summary>
    public int? BaselineStopTokenId { get; init; }

    /// <summary>judge rewards: the baseline's sampling seed, so the same prompt always meets the same baseline. Default 42.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>
    /// Completions scored in one call of the sources (one reward-model forward): concurrent requests are gathered
    /// until this many completions wait or <see cref="MaxBatchDelayMs"/> passes. Default 64.
    /// </summary>
    public int MaxBatchSize { get; init; } = 64;

    /// <summary>How long the first request of a batch waits for others to join it. Default 2 ms: far below a model forward, enough for clients answered together to come back together.</summary>
    public double MaxBatchDelayMs { get; init; } = 2;

    /// <summary>Completions accepted and not yet answered beyond which requests get 429 with Retry-After. Default 4096.</summary>
    public int MaxQueuedItems { get; init; } = 4096;

    /// <summary>Completions one request may carry. Default 1024.</summary>
    public int MaxItemsPerRequest { get; init; } = 1024;

    /// <summary>Characters one query, prompt, completion or label may have. Default 65536.</summary>
    public int MaxTextLength { get; init; } = 65_536;

    /// <summary>Largest request body in bytes (413 beyond). Default 32 MiB.</summary>
    public long MaxRequestBodyBytes { get; init; } = 32L << 20;

    public IEnumerable<string> Problems()
    {
        if (Rewards.Count == 0) yield return "rewards: at least one reward source is required";
        for (int i = 0; i < Rewards.Count; i++)
            foreach (var problem in Rewards[i].Problems(i)) yield return problem;
        if (BaselineResponseLength < 1) yield return "baseline_response_length: must be at least 1";
        if (MaxBatchSize < 1) yield return "max_batch_size: must be at least 1";
        if (!(MaxBatchDelayMs >= 0)) yield return "max_batch_delay_ms: must be 0 or more";
        if (MaxItemsPerRequest < 1) yield return "max_items_per_request: must be at least 1";
        if (MaxQueuedItems < MaxItemsPerRequest) yield return "max_queued_items: must be at least max_items_per_request, or the largest request could never be accepted";
        if (MaxTextLength < 1) yield return "max_text_length: must be at least 1";
        if (MaxRequestBodyBytes < 1024) yield return "max_request_body_bytes: must be at least 1024";
    }
}
