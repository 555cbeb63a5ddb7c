using System.Text.Json.Serialization;

namespace Preference.Training.Common;

/// <summary>
/// Everything besides tensors that a run needs to continue exactly where it stopped: the step, where it was in the
/// data, early-stopping bookkeeping and trainer-specific values (e.g. the adaptive KL coefficient).
/// </summary>
public sealed record TrainerState
{
    [JsonPropertyName("stage")] public required string Stage { get; init; }

    /// <summary>The run that wrote this state (see <see cref="RunDirectory.Claim"/>); checkpoints of another run in the
    /// same folder are never pruned or resumed by this one. Null in checkpoints written before runs had ids.</summary>
    [JsonPropertyName("run_id")] public string? RunId { get; init; }

    /// <summary>Optimizer steps completed.</summary>
    [JsonPropertyName("step")] public long Step { get; init; }

    [JsonPropertyName("epoch")] public int Epoch { get; init; }

    /// <summary>Batches of the current epoch already consumed, so a resume skips exactly those.</summary>
    [JsonPropertyName("batch_in_epoch")] public int BatchInEpoch { get; init; }

    [JsonPropertyName("best_metric")] public double? BestMetric { get; init; }

    [JsonPropertyName("best_step")] public long? BestStep { get; init; }

    /// <summary>Evaluations in a row without improvement (early-stopping patience).</summary>
    [JsonPropertyName("evaluations_without_improvement")] public int EvaluationsWithoutImprovement { get; init; }

    [JsonPropertyName("seed")] public long Seed { get; init; }

    /// <summary>Hash of the inputs (config + data) this run was started with; a changed input refuses to resume.</summary>
    [JsonPropertyName("input_fingerprint")] public string? InputFingerprint { get; init; }

    [JsonPropertyName("extra")] public Dictionary<string, double> Extra { get; init; } = [];
}
