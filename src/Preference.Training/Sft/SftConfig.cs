using Preference.Models.Lora;
using Preference.Training.Common;

namespace Preference.Training.Sft;

/// <summary>
/// Supervised fine-tuning, after TRL's SFTConfig: the data, what trains (LoRA, frozen layers or everything), the
/// optimisation, evaluation and checkpointing. Read from the <c>sft:</c> section of a YAML file (configs/sft.yaml).
/// </summary>
public sealed record SftConfig : TrainingArguments, IValidatedConfig
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






    /// <summary>LoRA adapters; null trains the model's own weights (all of them, or those not frozen). Default null.</summary>
    public LoraConfig? Lora { get; init; }

    /// <summary>Freeze the first N decoder layers. Default 0.</summary>
    public int FreezeLayers { get; init; }

    /// <summary>Freeze token (and position) embeddings. Default false.</summary>
    public bool FreezeEmbeddings { get; init; }









    /// <summary>With LoRA, also export the base model with adapters merged in (final/merged). Default true.</summary>
    public bool MergeAdapters { get; init; } = true;

    /// <summary>
    /// Texts the base model generates before training, scored again after it: the tuned model's perplexity on its
    /// original distribution shows catastrophic forgetting next to the new task's loss. Default 16; 0 skips the check.
    /// </summary>
    public int ForgettingSamples { get; init; } = 16;

    /// <summary>Tokens per forgetting-check text. Default 64.</summary>
    public int ForgettingMaxTokens { get; init; } = 64;


    /// <summary>What trains: LoRA adapters, the unfrozen layers, or everything.</summary>
    public TrainableParts Trainable() => new(Lora, FreezeLayers, FreezeEmbeddings, DisableDropout);

    public IEnumerable<string> Problems()
    {
        if (string.IsNullOrWhiteSpace(TrainFile)) yield return "train_file is required";
        foreach (var problem in ArgumentProblems()) yield return problem;
        if (ValidationSplit is < 0 or >= 1) yield return "validation_split must be in [0, 1)";
        if (MaxLength < 2) yield return "max_length must be at least 2";
        if (FreezeLayers < 0) yield return "freeze_layers must be 0 or more";
        if (ForgettingSamples < 0) yield return "forgetting_samples must be 0 (off) or more";
        if (ForgettingMaxTokens < 1) yield return "forgetting_max_tokens must be at least 1";
        if (Lora is not null && (FreezeLayers > 0 || FreezeEmbeddings)) yield return "lora: freezing layers has no meaning with LoRA (base weights are frozen)";
        if (Lora is not null) foreach (var problem in Lora.Problems()) yield return $"lora.{problem}";
    }
}
