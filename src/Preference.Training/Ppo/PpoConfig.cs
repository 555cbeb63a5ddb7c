using Preference.Models.Lora;
using Preference.Training.Common;
using Preference.Training.Rewards;

namespace Preference.Training.Ppo;

/// <summary>
/// PPO settings, named and defaulted as TRL's PPOConfig where TRL has the setting (YAML section <c>ppo:</c>,
/// snake_case keys). One step = one rollout batch of <see cref="BatchSize"/> prompts, then
/// <see cref="NumPpoEpochs"/> passes over it in <see cref="NumMiniBatches"/> minibatches.
/// </summary>
public sealed record PpoConfig : IValidatedConfig
{
    /// <summary>The SFT policy: a llama2.c .bin or Hugging Face directory. Default null = the bundled stories260K.</summary>
    public string? Policy { get; init; }

    /// <summary>The frozen reference; default null = a second copy of the policy as loaded (with LoRA: the policy, adapters off).</summary>
    public string? Reference { get; init; }

    /// <summary>
    /// Train LoRA adapters on the policy instead of all its weights (YAML <c>lora: {rank, alpha, target_modules}</c>,
    /// the same keys as SFT's). The reference is then the policy's own base weights with the adapters switched off, so
    /// no second copy is held; checkpoints hold the adapters alone. Dropout is forced to 0, as TRL does in PPO.
    /// Default null: full fine-tuning.
    /// </summary>
    public LoraConfig? Lora { get; init; }

    /// <summary>With LoRA: besides the PEFT adapters in final/, write the merged model to final/merged. Default true (as SFT).</summary>
    public bool MergeAdapters { get; init; } = true;

    /// <summary>
    /// Where the value model starts: null (default) = the policy's weights with a fresh value head; a path = a reward
    /// model export (trunk + score head), as TRL initialises it from the reward model.
    /// </summary>
    public string? ValueModel { get; init; }

    /// <summary>
    /// Put the value head on the policy's own layers instead of a separate copy: one forward per minibatch gives both
    /// log-probs and values (twice the PPO samples/s on stories260K, one model less in memory), at the price of the
    /// value loss also shaping the policy's weights: on configs/ppo-stories.yaml it reached a 54% held-out win rate
    /// where the separate value model reached 92%, at similar KL. Default false: a separate value model, as TRL's
    /// PPOTrainer; use it where memory, not quality, decides.
    /// </summary>
    public bool SharedValueTrunk { get; init; }

    /// <summary>Training prompts, inline. Used when <see cref="PromptsFile"/> is not given.</summary>
    public List<string> Prompts { get; init; } = [];

    /// <summary>
    /// Training prompts from a file: one per line (.txt) or {"prompt": …} per line (.jsonl), where a line may add a
    /// <c>reference</c> answer that reward sources receive beside the prompt (reference-guided reward models); the
    /// policy never sees it.
    /// </summary>
    public string? PromptsFile { get; init; }

    /// <summary>Prompts (episodes) to train on in total; steps = ceil(total_episodes / batch_size). Default 10,000 as TRL's examples use.</summary>
    public int TotalEpisodes { get; init; } = 10_000;

    /// <summary>Rows per forward/backward pass (TRL per_device_train_batch_size). Default 64.</summary>
    public int PerDeviceTrainBatchSize { get; init; } = 64;

    /// <summary>Minibatches per PPO epoch; each is one optimizer step. Default 1 (TRL).</summary>
    public int NumMiniBatches { get; init; } = 1;

    /// <summary>Passes over each rollout batch. Default 4 (TRL).</summary>
    public int NumPpoEpochs { get; init; } = 4;

    /// <summary>New tokens generated per completion (TRL response_length). Default 53 (TRL).</summary>
    public int ResponseLength { get; init; } = 53;

    /// <summary>Sampling temperature of rollouts; log-probs are taken under the same scaled distribution. Default 0.7 (TRL).</summary>
    public double Temperature { get; init; } = 0.7;

    /// <summary>Top-k filtering of rollouts; 0 (default) is off, as TRL samples from the full distribution.</summary>
    public int TopK { get; init; }

    /// <summary>Nucleus filtering of rollouts; 1 (default) is off.</summary>
    public double TopP { get; init; } = 1.0;

    /// <summary>The token that ends a completion; default null = the tokenizer's EOS. llama2.c story models end a story with BOS (1).</summary>
    public int? StopTokenId { get; init; }

    /// <summary>Subtracted from the score of completions that never produced the stop token. Default null (off), as TRL.</summary>
    public double? MissingEosPenalty { get; init; }

    /// <summary>Clip scores to [−x, x] after the penalty. Default null (off).</summary>
    public double? RewardClip { get; init; }

    /// <summary>β of the per-token KL penalty (the initial value when adaptive). Default 0.05 (TRL).</summary>
    public double KlCoef { get; init; } = 0.05;

    /// <summary>k1 (default, TRL) or k3 estimator of the per-token KL.</summary>
    public KlEstimator KlEstimator { get; init; } = KlEstimator.K1;

    /// <summary>Adapt β towards <see cref="KlTarget"/> (Ziegler et al. 2019). Default false (TRL's PPOTrainer uses a fixed β).</summary>
    public bool AdaptiveKl { get; init; }

    /// <summary>Target KL per sequence (nats) of the adaptive controller. Default 6 (Ziegler et al., old TRL).</summary>
    public double KlTarget { get; init; } = 6;

    /// <summary>Horizon (episodes) of the adaptive controller. Default 10,000 (Ziegler et al., old TRL).</summary>
    public double KlHorizon { get; init; } = 10_000;

    /// <summary>Discount factor. Default 1 (TRL): the score arrives once, at the end.</summary>
    public double Gamma { get; init; } = 1.0;

    /// <summary>GAE λ. Default 0.95 (TRL).</summary>
    public double Lam { get; init; } = 0.95;

    /// <summary>Whiten per-token rewards (scale only) before GAE. Default false (TRL).</summary>
    public bool WhitenRewards { get; init; }

    /// <summary>Whiten advantages over the batch's real tokens. Default true (TRL always does).</summary>
    public bool WhitenAdvantages { get; init; } = true;

    /// <summary>Policy ratio clip ε. Default 0.2 (TRL).</summary>
    public double Cliprange { get; init; } = 0.2;

    /// <summary>Value prediction clip around the rollout's values. Default 0.2 (TRL).</summary>
    public double CliprangeValue { get; init; } = 0.2;

    /// <summary>Weight of the value loss. Default 0.1 (TRL).</summary>
    public double VfCoef { get; init; } = 0.1;

    /// <summary>
    /// Stop the rest of a step's update once a minibatch's approx-KL exceeds 1.5 × this (OpenAI baselines, old TRL's
    /// early_stopping). Default null (off): checking costs one device sync per minibatch.
    /// </summary>
    public double? TargetKl { get; init; }

    /// <summary>Seed of everything random: value head, prompt order, sampling, minibatch order. Default 42.</summary>
    public long Seed { get; init; } = 42;

    /// <summary>Checkpoint every this many steps (and at the end). Default 10.</summary>
    public int SaveSteps { get; init; } = 10;

    /// <summary>Checkpoints kept. Default 2.</summary>
    public int SaveTotalLimit { get; init; } = 2;

    /// <summary>Write sample completions to samples.jsonl every this many steps; 0 = never. Default 10.</summary>
    public int SampleSteps { get; init; } = 10;

    /// <summary>Sample completions written each time. Default 4.</summary>
    public int NumSamples { get; init; } = 4;

    /// <summary>AdamW over policy and value together (TRL wraps both in one module). Learning rate default 3e-6 (TRL).</summary>
    public OptimizerConfig Optimizer { get; init; } = new() { LearningRate = 3e-6 };

    /// <summary>Reward sources, summed with their weights.</summary>
    public List<RewardSpec> Rewards { get; init; } = [];

    /// <summary>Rollouts per step: per_device_train_batch_size × gradient_accumulation_steps × num_mini_batches (TRL).</summary>
    public int BatchSize => PerDeviceTrainBatchSize * Optimizer.GradientAccumulationSteps * NumMiniBatches;

    /// <summary>Rows per minibatch (one optimizer step).</summary>
    public int MiniBatchSize => PerDeviceTrainBatchSize * Optimizer.GradientAccumulationSteps;

    public int TotalSteps => (TotalEpisodes + BatchSize - 1) / BatchSize;

    public IEnumerable<string> Problems()
    {
        if (TotalEpisodes < 1) yield return "total_episodes: must be at least 1";
        if (PerDeviceTrainBatchSize < 1) yield return "per_device_train_batch_size: must be at least 1";
        if (NumMiniBatches < 1) yield return "num_mini_batches: must be at least 1";
        if (NumPpoEpochs < 1) yield return "num_ppo_epochs: must be at least 1";
        if (ResponseLength < 1) yield return "response_length: must be at least 1";
        if (!(Temperature > 0)) yield return "temperature: must be positive (PPO needs sampled rollouts)";
        if (TopK < 0) yield return "top_k: must be 0 (off) or positive";
        if (TopP is <= 0 or > 1 || double.IsNaN(TopP)) yield return "top_p: must be in (0, 1]";
        if (MissingEosPenalty is < 0) yield return "missing_eos_penalty: must be 0 or more (it is subtracted)";
        if (RewardClip is <= 0) yield return "reward_clip: must be positive";
        if (KlCoef < 0 || !double.IsFinite(KlCoef)) yield return "kl_coef: must be 0 or more";
        if (!(KlTarget > 0)) yield return "kl_target: must be positive";
        if (!(KlHorizon > 0)) yield return "kl_horizon: must be positive";
        if (Gamma is < 0 or > 1) yield return "gamma: must be in [0, 1]";
        if (Lam is < 0 or > 1) yield return "lam: must be in [0, 1]";
        if (!(Cliprange > 0)) yield return "cliprange: must be positive";
        if (!(CliprangeValue > 0)) yield return "cliprange_value: must be positive";
        if (VfCoef < 0) yield return "vf_coef: must be 0 or more";
        if (TargetKl is <= 0) yield return "target_kl: must be positive";
        if (SaveSteps < 1) yield return "save_steps: must be at least 1";
        if (SaveTotalLimit < 1) yield return "save_total_limit: must be at least 1";
        if (SampleSteps < 0) yield return "sample_steps: must be 0 (never) or more";
        if (NumSamples < 0) yield return "num_samples: must be 0 or more";
        if (Prompts.Count == 0 && string.IsNullOrWhiteSpace(PromptsFile)) yield return "prompts: give prompts inline or a prompts_file";
        if (Prompts.Any(string.IsNullOrEmpty)) yield return "prompts: a prompt is empty";
        if (Rewards.Count == 0) yield return "rewards: at least one reward source is required";
        if (SharedValueTrunk && ValueModel is not null) yield return "shared_value_trunk: a shared trunk is the policy's; leave value_model unset";
        if (Lora is not null && Reference is not null) yield return "reference: with lora the reference is the policy with its adapters off; leave reference unset";
        if (Lora is not null) foreach (var problem in Lora.Problems()) yield return "lora." + problem;
        foreach (var problem in Optimizer.Problems()) yield return "optimizer." + problem;
        for (int i = 0; i < Rewards.Count; i++)
            foreach (var problem in Rewards[i].Problems(i)) yield return problem;
    }
}
