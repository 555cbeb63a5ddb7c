using Preference.Models.Lora;
using Preference.Training.Common;
using Preference.Training.Rewards;

namespace Preference.Training.Grpo;

/// <summary>
/// Critic-free online RL settings (YAML section <c>grpo:</c>, snake_case keys), named and defaulted as TRL's GRPOConfig
/// where TRL has the setting. One step = one generation batch of per_device_train_batch_size ×
/// gradient_accumulation_steps completions (num_generations per prompt), then <see cref="NumIterations"/> optimizer
/// steps over it, each accumulated over its micro-batches. No value model; a reference only when <see cref="Beta"/> > 0.
/// </summary>
public sealed record GrpoConfig : IValidatedConfig
{
    /// <summary>The SFT policy: a llama2.c .bin or Hugging Face directory. Default null = the bundled stories260K.</summary>
    public string? Policy { get; init; }

    /// <summary>
    /// Train LoRA adapters instead of all weights (<c>lora: {rank, alpha, target_modules}</c>, SFT's keys); the reference
    /// is then the policy with its adapters off. Dropout is forced to 0 so sampling and training see one network.
    /// Default null: full fine-tuning.
    /// </summary>
    public LoraConfig? Lora { get; init; }

    /// <summary>With LoRA: besides the PEFT adapters in final/, write the merged model to final/merged. Default true.</summary>
    public bool MergeAdapters { get; init; } = true;

    /// <summary>Training prompts, inline. Used when <see cref="PromptsFile"/> is not given.</summary>
    public List<string> Prompts { get; init; } = [];

    /// <summary>
    /// Training prompts from a file: one per line (.txt), {"prompt": …, "reference": …, any other fields} per line (.jsonl;
    /// the reference and the other fields go to the reward sources, as TRL passes extra columns, never to the policy) or
    /// a YAML file with a top-level <c>prompts:</c> list.
    /// </summary>
    public string? PromptsFile { get; init; }

    /// <summary>Steps (generation batches) to train. Default 100.</summary>
    public int MaxSteps { get; init; } = 100;

    /// <summary>Completions per forward/backward pass. Default 8 (TRL).</summary>
    public int PerDeviceTrainBatchSize { get; init; } = 8;

    /// <summary>Completions sampled per prompt, the group its advantage is relative to (G). At least 2. Default 8 (TRL).</summary>
    public int NumGenerations { get; init; } = 8;

    /// <summary>Optimizer steps on each generation batch (μ in the GRPO paper). Default 1 (TRL): the policy that sampled is
    /// the one updated, so no old-policy forward is needed; above 1 the ratio to the sampling policy is clipped.</summary>
    public int NumIterations { get; init; } = 1;

    /// <summary>New tokens per completion at most. Default 256 (TRL).</summary>
    public int MaxCompletionLength { get; init; } = 256;

    /// <summary>Sampling temperature; log-probs are taken under the same scaled distribution. Default 1.0 (TRL).</summary>
    public double Temperature { get; init; } = 1.0;

    /// <summary>Top-k filtering of samples; 0 (default) is off.</summary>
    public int TopK { get; init; }

    /// <summary>Nucleus filtering of samples; 1 (default) is off.</summary>
    public double TopP { get; init; } = 1.0;

    /// <summary>The token that ends a completion; default null = the tokenizer's EOS. llama2.c story models end a story with BOS (1).</summary>
    public int? StopTokenId { get; init; }

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

    /// <summary>Subtracted from the reward of completions that never produced the stop token. Default null (off).</summary>
    public double? MissingEosPenalty { get; init; }

    /// <summary>Seed of everything random: prompt order, sampling, micro-batch order. Default 42.</summary>
    public long Seed { get; init; } = 42;

    /// <summary>Write a metrics row every this many steps (and at the last). Default 1.</summary>
    public int LoggingSteps { get; init; } = 1;

    /// <summary>Checkpoint every this many steps (and at the end). Default 10.</summary>
    public int SaveSteps { get; init; } = 10;

    /// <summary>Checkpoints kept. Default 2.</summary>
    public int SaveTotalLimit { get; init; } = 2;

    /// <summary>Write sample completions to samples.jsonl every this many steps; 0 = never. Default 10.</summary>
    public int SampleSteps { get; init; } = 10;

    /// <summary>Sample completions written each time. Default 4.</summary>
    public int NumSamples { get; init; } = 4;

    /// <summary>AdamW and its schedule; gradient_accumulation_steps sets the generation batch. Learning rate default 1e-6 (TRL).</summary>
    public OptimizerConfig Optimizer { get; init; } = new() { LearningRate = 1e-6 };

    /// <summary>Reward sources, summed with their weights (the same kinds as PPO's; a judge ranks each group round-robin).</summary>
    public List<RewardSpec> Rewards { get; init; } = [];

    /// <summary>Completions per step: per_device_train_batch_size × gradient_accumulation_steps (TRL's generation batch).</summary>
    public int GenerationBatchSize => PerDeviceTrainBatchSize * Optimizer.GradientAccumulationSteps;

    /// <summary>Distinct prompts per step.</summary>
    public int PromptsPerStep => GenerationBatchSize / NumGenerations;

    public double UpperClip => EpsilonHigh ?? Epsilon;

    public IEnumerable<string> Problems()
    {
        if (MaxSteps < 1) yield return "max_steps: must be at least 1";
        if (PerDeviceTrainBatchSize < 1) yield return "per_device_train_batch_size: must be at least 1";
        if (NumGenerations < 2) yield return "num_generations: must be at least 2 (advantages are relative to the group)";
        else if (PerDeviceTrainBatchSize >= 1 && Optimizer.GradientAccumulationSteps >= 1 && GenerationBatchSize % NumGenerations != 0)
            yield return $"num_generations: the generation batch (per_device_train_batch_size × gradient_accumulation_steps = {GenerationBatchSize}) must be a multiple of it";
        if (NumIterations < 1) yield return "num_iterations: must be at least 1";
        if (MaxCompletionLength < 1) yield return "max_completion_length: must be at least 1";
        if (!(Temperature > 0)) yield return "temperature: must be positive (GRPO needs sampled completions)";
        if (TopK < 0) yield return "top_k: must be 0 (off) or positive";
        if (TopP is <= 0 or > 1 || double.IsNaN(TopP)) yield return "top_p: must be in (0, 1]";
        if (Beta < 0 || !double.IsFinite(Beta)) yield return "beta: must be 0 (no reference) or more";
        if (!(Epsilon is > 0 and < 1)) yield return "epsilon: must be in (0, 1)";
        if (EpsilonHigh is { } high && !(high > 0 && double.IsFinite(high))) yield return "epsilon_high: must be positive";
        if (MissingEosPenalty is < 0) yield return "missing_eos_penalty: must be 0 or more (it is subtracted)";
        if (LoggingSteps < 1) yield return "logging_steps: must be at least 1";
        if (SaveSteps < 1) yield return "save_steps: must be at least 1";
        if (SaveTotalLimit < 1) yield return "save_total_limit: must be at least 1";
        if (SampleSteps < 0) yield return "sample_steps: must be 0 (never) or more";
        if (NumSamples < 0) yield return "num_samples: must be 0 or more";
        if (Prompts.Count == 0 && string.IsNullOrWhiteSpace(PromptsFile)) yield return "prompts: give prompts inline or a prompts_file";
        if (Prompts.Any(string.IsNullOrEmpty)) yield return "prompts: a prompt is empty";
        if (Rewards.Count == 0) yield return "rewards: at least one reward source is required";
        if (Lora is not null) foreach (var problem in Lora.Problems()) yield return "lora." + problem;
        foreach (var problem in Optimizer.Problems()) yield return "optimizer." + problem;
        for (int i = 0; i < Rewards.Count; i++)
            foreach (var problem in Rewards[i].Problems(i)) yield return problem;
    }
}
