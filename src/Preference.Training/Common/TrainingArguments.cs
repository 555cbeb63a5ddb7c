namespace Preference.Training.Common;

/// <summary>
/// What every stage's config shares, after TRL's TrainingArguments: seed, how long to train, how often to log, evaluate
/// and save, early stopping, the optimizer and the device's peak FLOP/s. A stage's config extends this record, so the
/// same key means the same thing in every YAML section (sft:, dpo:, kto:, …).
/// </summary>
public abstract record TrainingArguments
{
    /// <summary>Seeds initialisation, data order, split and dropout. Default 42.</summary>
    public long Seed { get; init; } = 42;

    /// <summary>Passes over the training data. Default 1.</summary>
    public int NumTrainEpochs { get; init; } = 1;

    /// <summary>Stop after this many optimizer steps instead of epochs (0 = use epochs). Default 0.</summary>
    public int MaxSteps { get; init; }

    /// <summary>Examples per micro-batch. Default 8.</summary>
    public int PerDeviceTrainBatchSize { get; init; } = 8;

    /// <summary>Examples per evaluation batch. Default 16: no gradients, so more fit.</summary>
    public int PerDeviceEvalBatchSize { get; init; } = 16;

    /// <summary>AdamW, schedule, warm-up, clipping and gradient accumulation (shared with every trainer).</summary>
    public OptimizerConfig Optimizer { get; init; } = new();

    /// <summary>Optimizer steps between metric rows. Default 10.</summary>
    public int LoggingSteps { get; init; } = 10;

    /// <summary>Optimizer steps between evaluations (and early-stopping checks). Default 50.</summary>
    public int EvalSteps { get; init; } = 50;

    /// <summary>Optimizer steps between checkpoints that --resume continues from. Default 100.</summary>
    public int SaveSteps { get; init; } = 100;

    /// <summary>Checkpoints of this run kept besides the best. Default 2.</summary>
    public int SaveTotalLimit { get; init; } = 2;

    /// <summary>Evaluations without improvement before stopping; 0 never stops early. Default 0.</summary>
    public int EarlyStoppingPatience { get; init; }

    /// <summary>How much the evaluation metric must improve to count as an improvement. Default 0.</summary>
    public double EarlyStoppingThreshold { get; init; }

    /// <summary>Train with dropout off everywhere (the model's and LoRA's), TRL's disable_dropout. Default false.</summary>
    public bool DisableDropout { get; init; }

    /// <summary>The device's peak FLOP/s, for MFU in progress and metrics; 0 (unknown) leaves MFU out. Default 0.</summary>
    public double PeakFlops { get; init; }

    /// <summary>The shared keys' problems, each starting with the key's name; a stage adds its own after these.</summary>
    protected IEnumerable<string> ArgumentProblems()
    {
        if (NumTrainEpochs < 1) yield return "num_train_epochs must be at least 1";
        if (MaxSteps < 0) yield return "max_steps must be 0 (use epochs) or positive";
        if (PerDeviceTrainBatchSize < 1) yield return "per_device_train_batch_size must be at least 1";
        if (PerDeviceEvalBatchSize < 1) yield return "per_device_eval_batch_size must be at least 1";
        if (LoggingSteps < 1) yield return "logging_steps must be at least 1";
        if (EvalSteps < 1) yield return "eval_steps must be at least 1";
        if (SaveSteps < 1) yield return "save_steps must be at least 1";
        if (SaveTotalLimit < 1) yield return "save_total_limit must be at least 1";
        if (EarlyStoppingPatience < 0) yield return "early_stopping_patience must be 0 (off) or more";
        if (PeakFlops < 0) yield return "peak_flops must be 0 (unknown) or positive";
        foreach (var problem in Optimizer.Problems()) yield return $"optimizer.{problem}";
    }
}
