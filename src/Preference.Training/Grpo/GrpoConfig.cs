using Preference.Training.Common;

namespace Preference.Training.Grpo;

/// <summary>
/// Critic-free online RL settings (YAML section <c>grpo:</c>, snake_case keys), named and defaulted as TRL's GRPOConfig
/// where TRL has the setting. One step = one generation batch of per_device_train_batch_size ×
/// gradient_accumulation_steps completions (num_generations per prompt), then <see cref="NumIterations"/> optimizer
/// steps over it, each accumulated over its micro-batches. No value model; a reference only when <see cref="Beta"/> > 0.
/// The policy, prompts, sampling and reward keys are <see cref="OnlineTrainingArguments"/>'s, shared with PPO; GRPO's
/// own defaults, as TRL's: max_steps 100, learning rate 1e-6 (gradient_accumulation_steps sets the generation batch).
/// </summary>
public sealed record GrpoConfig : OnlineTrainingArguments, IValidatedConfig
{
    public GrpoConfig()
    {
        MaxSteps = 100;
        Optimizer = new OptimizerConfig { LearningRate = 1e-6 };
    }

    /// <summary>Completions sampled per prompt, the group its advantage is relative to (G). At least 2. Default 8 (TRL).</summary>
    public int NumGenerations { get; init; } = 8;

    /// <summary>Optimizer steps on each generation batch (μ in the GRPO paper). Default 1 (TRL): the policy that sampled is
    /// the one updated, so no old-policy forward is needed; above 1 the ratio to the sampling policy is clipped.</summary>
    public int NumIterations { get; init; } = 1;

    /// <summary>New tokens per completion at most. Default 256 (TRL).</summary>
    public int MaxCompletionLength { get; init; } = 256;

    /// <summary>
    /// Weight of the per-token k3 KL to the reference added to the loss. Default 0.0 (TRL since 0.19): no reference
    /// model is loaded at all, which saves its memory and forward pass.
    /// </summary>
    public double Beta { get; init; }

    /// <summary>Lower clip of the ratio to the sampling policy: 1 − epsilon. Default 0.2 (TRL).</summary>
    public double Epsilon { get; init; } = 0.2;

    /// <summary>Upper clip 1 + epsilon_high; default null = epsilon. DAPO's clip-higher uses 0.28 to keep exploration alive.</summary>
    public double? EpsilonHigh { get; init; }

    /// <summary>grpo | bnpo | dr_grpo | dapo (see <see cref="GrpoLossType"/>). Default dapo (TRL).</summary>
    public GrpoLossType LossType { get; init; } = GrpoLossType.Dapo;

    /// <summary>grpo | rloo | reinforce_pp | reinforce_pp_baseline (see <see cref="Grpo.AdvantageEstimator"/>). Default grpo.</summary>
    public AdvantageEstimator AdvantageEstimator { get; init; } = AdvantageEstimator.Grpo;

    /// <summary>With the grpo estimator: divide by the group's std, the batch's, or none (Dr. GRPO). Default group (TRL).</summary>
    public ScaleRewards ScaleRewards { get; init; } = ScaleRewards.Group;

    /// <summary>Leave completions that hit max_completion_length without the stop token out of the loss (DAPO). Default false (TRL).</summary>
    public bool MaskTruncatedCompletions { get; init; }

    /// <summary>Completions per step: per_device_train_batch_size × gradient_accumulation_steps (TRL's generation batch).</summary>
    public int GenerationBatchSize => PerDeviceTrainBatchSize * Optimizer.GradientAccumulationSteps;

    /// <summary>Distinct prompts per step.</summary>
    public int PromptsPerStep => GenerationBatchSize / NumGenerations;

    public double UpperClip => EpsilonHigh ?? Epsilon;

    public IEnumerable<string> Problems()
    {
        foreach (var problem in OnlineProblems()) yield return problem;
        if (MaxSteps < 1) yield return "max_steps: must be at least 1";
        if (NumGenerations < 2) yield return "num_generations: must be at least 2 (advantages are relative to the group)";
        else if (PerDeviceTrainBatchSize >= 1 && Optimizer.GradientAccumulationSteps >= 1 && GenerationBatchSize % NumGenerations != 0)
            yield return $"num_generations: the generation batch (per_device_train_batch_size × gradient_accumulation_steps = {GenerationBatchSize}) must be a multiple of it";
        if (NumIterations < 1) yield return "num_iterations: must be at least 1";
        if (MaxCompletionLength < 1) yield return "max_completion_length: must be at least 1";
        if (Beta < 0 || !double.IsFinite(Beta)) yield return "beta: must be 0 (no reference) or more";
        if (!(Epsilon is > 0 and < 1)) yield return "epsilon: must be in (0, 1)";
        if (EpsilonHigh is { } high && !(high > 0 && double.IsFinite(high))) yield return "epsilon_high: must be positive";
    }
}
