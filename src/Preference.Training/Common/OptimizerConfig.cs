namespace Preference.Training.Common;

public enum LearningRateScheduleKind { Constant, Linear, Cosine }

/// <summary>AdamW and its learning-rate schedule; shared by every trainer (SFT, reward model, PPO).</summary>
public sealed record OptimizerConfig : IValidatedConfig
{
    /// <summary>Peak learning rate after warm-up. Default 5e-4 suits the small models trained on CPU here; large pretrained models want 1e-5..5e-5.</summary>
    public double LearningRate { get; init; } = 5e-4;

    /// <summary>Decoupled weight decay (AdamW). Default 0, as TRL.</summary>
    public double WeightDecay { get; init; }

    /// <summary>Adam β1. Default 0.9.</summary>
    public double Beta1 { get; init; } = 0.9;

    /// <summary>Adam β2. Default 0.999.</summary>
    public double Beta2 { get; init; } = 0.999;

    /// <summary>Adam ε. Default 1e-8.</summary>
    public double Epsilon { get; init; } = 1e-8;

    /// <summary>Clip the global gradient norm to this before each step; 0 disables. Default 1.0.</summary>
    public double MaxGradNorm { get; init; } = 1.0;

    /// <summary>Micro-batches whose gradients add up to one optimizer step. Default 1.</summary>
    public int GradientAccumulationSteps { get; init; } = 1;

    /// <summary>Shape of the learning rate after warm-up: constant, linear decay to 0 or cosine decay to 0. Default linear.</summary>
    public LearningRateScheduleKind Schedule { get; init; } = LearningRateScheduleKind.Linear;

    /// <summary>Optimizer steps of linear warm-up from 0 to the peak. Default 0.</summary>
    public int WarmupSteps { get; init; }

    /// <summary>Warm-up as a fraction of all steps, used when WarmupSteps is 0. Default 0.</summary>
    public double WarmupRatio { get; init; }

    public IEnumerable<string> Problems()
    {
        if (!(LearningRate > 0)) yield return "learning_rate must be positive";
        if (WeightDecay < 0) yield return "weight_decay must be 0 or more";
        if (Beta1 is < 0 or >= 1) yield return "beta1 must be in [0, 1)";
        if (Beta2 is < 0 or >= 1) yield return "beta2 must be in [0, 1)";
        if (!(Epsilon > 0)) yield return "epsilon must be positive";
        if (MaxGradNorm < 0) yield return "max_grad_norm must be 0 (off) or positive";
        if (GradientAccumulationSteps < 1) yield return "gradient_accumulation_steps must be at least 1";
        if (WarmupSteps < 0) yield return "warmup_steps must be 0 or more";
        if (WarmupRatio is < 0 or >= 1) yield return "warmup_ratio must be in [0, 1)";
    }
}
