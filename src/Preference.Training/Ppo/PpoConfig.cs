using Preference.Training.Common;

namespace Preference.Training.Ppo;

/// <summary>
/// PPO settings, named and defaulted as TRL's PPOConfig where TRL has the setting (YAML section <c>ppo:</c>,
/// snake_case keys). One step = one rollout batch of <see cref="BatchSize"/> prompts, then
/// <see cref="NumPpoEpochs"/> passes over it in <see cref="NumMiniBatches"/> minibatches. The policy, prompts,
/// sampling and reward keys are <see cref="OnlineTrainingArguments"/>'s, shared with GRPO; PPO's own defaults, as TRL's:
/// per_device_train_batch_size 64, temperature 0.7, learning rate 3e-6 (over policy and value together, as TRL wraps
/// both in one module).
/// </summary>
public sealed record PpoConfig : OnlineTrainingArguments, IValidatedConfig
{
    public PpoConfig()
    {
        PerDeviceTrainBatchSize = 64;
        Temperature = 0.7;
        Optimizer = new OptimizerConfig { LearningRate = 3e-6 };
    }

    /// <summary>The frozen reference; default null = a second copy of the policy as loaded (with LoRA: the policy, adapters off).</summary>
    public string? Reference { get; init; }

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

    /// <summary>Prompts (episodes) to train on in total; steps = ceil(total_episodes / batch_size), unless max_steps is set. Default 10,000 as TRL's examples use.</summary>
    public int TotalEpisodes { get; init; } = 10_000;

    /// <summary>Minibatches per PPO epoch; each is one optimizer step. Default 1 (TRL).</summary>
    public int NumMiniBatches { get; init; } = 1;

    /// <summary>Passes over each rollout batch. Default 4 (TRL).</summary>
    public int NumPpoEpochs { get; init; } = 4;

    /// <summary>New tokens generated per completion (TRL response_length). Default 53 (TRL).</summary>
    public int ResponseLength { get; init; } = 53;

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

    /// <summary>Rollouts per step: per_device_train_batch_size × gradient_accumulation_steps × num_mini_batches (TRL).</summary>
    public int BatchSize => PerDeviceTrainBatchSize * Optimizer.GradientAccumulationSteps * NumMiniBatches;

    /// <summary>Rows per minibatch (one optimizer step).</summary>
    public int MiniBatchSize => PerDeviceTrainBatchSize * Optimizer.GradientAccumulationSteps;

    /// <summary>Steps of the run: max_steps when set, else ceil(total_episodes / batch).</summary>
    public int TotalSteps => MaxSteps > 0 ? MaxSteps : (TotalEpisodes + BatchSize - 1) / BatchSize;

    public IEnumerable<string> Problems()
    {
        foreach (var problem in OnlineProblems()) yield return problem;
        if (TotalEpisodes < 1) yield return "total_episodes: must be at least 1";
        if (NumMiniBatches < 1) yield return "num_mini_batches: must be at least 1";
        if (NumPpoEpochs < 1) yield return "num_ppo_epochs: must be at least 1";
        if (ResponseLength < 1) yield return "response_length: must be at least 1";
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
        if (SharedValueTrunk && ValueModel is not null) yield return "shared_value_trunk: a shared trunk is the policy's; leave value_model unset";
        if (Lora is not null && Reference is not null) yield return "reference: with lora the reference is the policy with its adapters off; leave reference unset";
    }
}
