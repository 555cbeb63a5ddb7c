using Preference.Models.Lora;
using Preference.Training.Common;

namespace Preference.Training.Sft;

/// <summary>
/// Supervised fine-tuning, after TRL's SFTConfig: the data, what trains (LoRA, frozen layers or everything), the
/// optimisation, evaluation and checkpointing. Read from the <c>sft:</c> section of a YAML file (configs/sft.yaml).
/// </summary>
public sealed record SftConfig : IValidatedConfig
{
    /// <summary>Model to tune: a llama2.c .bin or a Hugging Face directory. Default null: the bundled stories260K.</summary>
    public string? Model { get; init; }

    /// <summary>JSONL of prompt/completion, messages or input_text/output_text rows. Required.</summary>
    public string? TrainFile { get; init; }

    /// <summary>Validation JSONL; when absent, <see cref="ValidationSplit"/> of the training file is held out.</summary>
    public string? ValidationFile { get; init; }

    /// <summary>Fraction of the training file held out for validation when no validation file is given. Default 0.1; 0 disables evaluation.</summary>
    public double ValidationSplit { get; init; } = 0.1;

    /// <summary>Tokens per example; longer ones are cut at the end (counted in a warning). Default 256.</summary>
    public int MaxLength { get; init; } = 256;

    /// <summary>Join whole examples into rows of max_length tokens so no compute goes to padding. Default false.</summary>
    public bool Packing { get; init; }

    /// <summary>Learn only completion/assistant tokens (TRL's completion_only_loss). Default true; false learns the prompt too.</summary>
    public bool CompletionOnlyLoss { get; init; } = true;

    /// <summary>Chat template for messages rows by name (chatml, llama2, llama3, zephyr, human-assistant). Default: the tokenizer's, else human-assistant.</summary>
    public string? ChatTemplate { get; init; }

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

    /// <summary>LoRA adapters; null trains the model's own weights (all of them, or those not frozen). Default null.</summary>
    public LoraConfig? Lora { get; init; }

    /// <summary>Freeze the first N decoder layers. Default 0.</summary>
    public int FreezeLayers { get; init; }

    /// <summary>Freeze token (and position) embeddings. Default false.</summary>
    public bool FreezeEmbeddings { get; init; }

    /// <summary>Train with dropout off everywhere (the model's and LoRA's), TRL's disable_dropout. Default false.</summary>
    public bool DisableDropout { get; init; }

    /// <summary>Optimizer steps between metric rows. Default 10.</summary>
    public int LoggingSteps { get; init; } = 10;

    /// <summary>Optimizer steps between evaluations (validation loss, perplexity, early stopping). Default 50.</summary>
    public int EvalSteps { get; init; } = 50;

    /// <summary>Optimizer steps between checkpoints that --resume continues from. Default 100.</summary>
    public int SaveSteps { get; init; } = 100;

    /// <summary>Checkpoints kept besides the best. Default 2.</summary>
    public int SaveTotalLimit { get; init; } = 2;

    /// <summary>Evaluations without improvement before stopping; 0 never stops early. Default 0.</summary>
    public int EarlyStoppingPatience { get; init; }

    /// <summary>How much the validation loss must drop to count as an improvement. Default 0.</summary>
    public double EarlyStoppingThreshold { get; init; }

    /// <summary>Seeds initialisation, data order, split and dropout. Default 42.</summary>
    public long Seed { get; init; } = 42;

    /// <summary>With LoRA, also export the base model with adapters merged in (final/merged). Default true.</summary>
    public bool MergeAdapters { get; init; } = true;

    /// <summary>
    /// Texts the base model generates before training, scored again after it: the tuned model's perplexity on its
    /// original distribution shows catastrophic forgetting next to the new task's loss. Default 16; 0 skips the check.
    /// </summary>
    public int ForgettingSamples { get; init; } = 16;

    /// <summary>Tokens per forgetting-check text. Default 64.</summary>
    public int ForgettingMaxTokens { get; init; } = 64;

    /// <summary>The device's peak FLOP/s, for MFU in progress and metrics; 0 (unknown) leaves MFU out. Default 0.</summary>
    public double PeakFlops { get; init; }

    public IEnumerable<string> Problems()
    {
        if (string.IsNullOrWhiteSpace(TrainFile)) yield return "train_file is required";
        if (ValidationSplit is < 0 or >= 1) yield return "validation_split must be in [0, 1)";
        if (MaxLength < 2) yield return "max_length must be at least 2";
        if (NumTrainEpochs < 1) yield return "num_train_epochs must be at least 1";
        if (MaxSteps < 0) yield return "max_steps must be 0 (use epochs) or positive";
        if (PerDeviceTrainBatchSize < 1) yield return "per_device_train_batch_size must be at least 1";
        if (PerDeviceEvalBatchSize < 1) yield return "per_device_eval_batch_size must be at least 1";
        if (FreezeLayers < 0) yield return "freeze_layers must be 0 or more";
        if (LoggingSteps < 1) yield return "logging_steps must be at least 1";
        if (EvalSteps < 1) yield return "eval_steps must be at least 1";
        if (SaveSteps < 1) yield return "save_steps must be at least 1";
        if (SaveTotalLimit < 1) yield return "save_total_limit must be at least 1";
        if (EarlyStoppingPatience < 0) yield return "early_stopping_patience must be 0 (off) or more";
        if (ForgettingSamples < 0) yield return "forgetting_samples must be 0 (off) or more";
        if (ForgettingMaxTokens < 1) yield return "forgetting_max_tokens must be at least 1";
        if (PeakFlops < 0) yield return "peak_flops must be 0 (unknown) or positive";
        if (Lora is not null && (FreezeLayers > 0 || FreezeEmbeddings)) yield return "lora: freezing layers has no meaning with LoRA (base weights are frozen)";
        foreach (var problem in Optimizer.Problems()) yield return $"optimizer.{problem}";
        if (Lora is not null) foreach (var problem in Lora.Problems()) yield return $"lora.{problem}";
    }
}
