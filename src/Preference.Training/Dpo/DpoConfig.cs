using Preference.Models.Lora;
using Preference.Training.Common;
using Preference.Training.Reward.Data;

namespace Preference.Training.Dpo;

/// <summary>
/// Direct preference optimisation and its relatives (IPO, hinge, robust DPO, SimPO, KTO), after TRL's DPOConfig,
/// CPOConfig and KTOConfig: the data, the objective, what trains (LoRA, frozen layers or everything) and the shared
/// training arguments. Read from the <c>dpo:</c> section (or <c>kto:</c> for <c>pref kto</c>) of a YAML file
/// (configs/dpo-stories.yaml).
/// </summary>
public sealed record DpoConfig : TrainingArguments, IValidatedConfig
{
    public DpoConfig()
    {
        // TRL's DPOConfig defaults: a small rate (the policy starts at the reference), and dropout off so the policy's
        // and the reference's log-probs differ only by the weights.
        Optimizer = new OptimizerConfig { LearningRate = 1e-6 };
        DisableDropout = true;
    }

    /// <summary>Policy to tune, which is also the reference: a llama2.c .bin or a Hugging Face directory. Default null: the bundled stories260K.</summary>
    public string? Model { get; init; }

    /// <summary>
    /// Preference JSONL (or a JSON array): TRL standard or conversational prompt/chosen/rejected (explicit or HH-RLHF's
    /// implicit prompt), prompt/completions with a <c>ranking</c> (expanded to every strict pair), qa-feedback's k-wise
    /// <c>preference</c>, or what <c>pref export</c> and the server write. For KTO also unpaired
    /// <c>{"prompt", "completion", "label": true|false}</c> rows; paired files then give chosen as desirable and
    /// rejected as undesirable. Required.
    /// </summary>
    public string? TrainFile { get; init; }

    /// <summary>Validation file of the same shape; when absent, <see cref="ValidationSplit"/> of the prompts is held out.</summary>
    public string? ValidationFile { get; init; }

    /// <summary>Fraction of the training file's prompts held out for validation when no validation file is given. Default 0.1; 0 disables evaluation.</summary>
    public double ValidationSplit { get; init; } = 0.1;

    /// <summary>Tokens of prompt plus completion; completions are cut at the end to fit. Default 256.</summary>
    public int MaxLength { get; init; } = 256;

    /// <summary>The objective: sigmoid (DPO), robust, hinge, ipo, simpo or kto. Default sigmoid.</summary>
    public PreferenceLossType Loss { get; init; } = PreferenceLossType.Sigmoid;

    /// <summary>β: how far the policy may move from the reference (smaller = further). Default 0.1 as TRL.</summary>
    public double Beta { get; init; } = 0.1;

    /// <summary>Assumed fraction of flipped labels for sigmoid (conservative DPO) and robust. Default 0; must be below 0.5.</summary>
    public double LabelSmoothing { get; init; }

    /// <summary>SimPO's target reward margin γ (TRL's simpo_gamma). Default 0.5.</summary>
    public double SimpoGamma { get; init; } = 0.5;

    /// <summary>
    /// With simpo: weight of the chosen completion's NLL added to the loss (TRL's cpo_alpha). Default 0, SimPO as published;
    /// TRL's CPOConfig defaults to 1.0 (CPO-SimPO).
    /// </summary>
    public double CpoAlpha { get; init; }

    /// <summary>KTO: weight of desirable examples' losses (TRL's desirable_weight). Default 1.</summary>
    public double DesirableWeight { get; init; } = 1;

    /// <summary>KTO: weight of undesirable examples' losses (TRL's undesirable_weight). Default 1.</summary>
    public double UndesirableWeight { get; init; } = 1;

    /// <summary>Completions ranked equal: drop (TRL) or loss (target ½, pulling their log-ratios together; sigmoid, robust, simpo). Default drop.</summary>
    public TieHandling Ties { get; init; } = TieHandling.Drop;

    /// <summary>Subtract each pair's <c>margin</c> field from β·h, so strongly preferred pairs must be separated further (sigmoid, robust, hinge, simpo). Default false.</summary>
    public bool UseMargins { get; init; }

    /// <summary>
    /// Compute the reference's log-probs once before training (TRL's precompute_ref_log_probs): no reference forward per
    /// step and, for full fine-tuning, no second copy of the model in memory. Default false.
    /// </summary>
    public bool PrecomputeRefLogProbs { get; init; }

    /// <summary>LoRA adapters; the reference is then the same model with adapters off. Null trains the model's own weights. Default null.</summary>
    public LoraConfig? Lora { get; init; }

    /// <summary>Freeze the first N decoder layers. Default 0.</summary>
    public int FreezeLayers { get; init; }

    /// <summary>Freeze token (and position) embeddings. Default false.</summary>
    public bool FreezeEmbeddings { get; init; }

    /// <summary>With LoRA, also export the base model with adapters merged in (final/merged). Default true.</summary>
    public bool MergeAdapters { get; init; } = true;

    /// <summary>What trains: LoRA adapters, the unfrozen layers, or everything.</summary>
    public TrainableParts Trainable() => new(Lora, FreezeLayers, FreezeEmbeddings, DisableDropout);

    /// <summary>Whether training needs reference log-probs from a frozen model during the run (not precomputed, not SimPO, not LoRA).</summary>
    public bool NeedsReferenceModel() => PreferenceLoss.NeedsReference(Loss) && !PrecomputeRefLogProbs && Lora is null;

    public IEnumerable<string> Problems()
    {
        if (string.IsNullOrWhiteSpace(TrainFile)) yield return "train_file is required";
        foreach (var problem in ArgumentProblems()) yield return problem;
        if (ValidationSplit is < 0 or >= 1) yield return "validation_split must be in [0, 1)";
        if (MaxLength < 4) yield return "max_length must be at least 4";
        if (!(Beta > 0)) yield return "beta must be positive";
        if (LabelSmoothing is < 0 or >= 0.5) yield return "label_smoothing must be in [0, 0.5)";
        if (LabelSmoothing > 0 && Loss is not (PreferenceLossType.Sigmoid or PreferenceLossType.Robust or PreferenceLossType.Simpo))
            yield return $"label_smoothing applies to loss sigmoid, robust or simpo, not {Loss.ToString().ToLowerInvariant()}";
        if (SimpoGamma < 0) yield return "simpo_gamma must be 0 or more";
        if (CpoAlpha < 0) yield return "cpo_alpha must be 0 or more";
        if (CpoAlpha > 0 && Loss != PreferenceLossType.Simpo) yield return "cpo_alpha applies to loss simpo only";
        if (DesirableWeight < 0 || UndesirableWeight < 0) yield return "desirable_weight and undesirable_weight must be 0 or more";
        if (Ties == TieHandling.Loss && Loss is not (PreferenceLossType.Sigmoid or PreferenceLossType.Robust or PreferenceLossType.Simpo))
            yield return $"ties: loss needs loss sigmoid, robust or simpo (a tie's target is ½), not {Loss.ToString().ToLowerInvariant()}";
        if (UseMargins && Loss is PreferenceLossType.Ipo or PreferenceLossType.Kto)
            yield return $"use_margins applies to loss sigmoid, robust, hinge or simpo, not {Loss.ToString().ToLowerInvariant()}";
        if (Loss == PreferenceLossType.Kto && PerDeviceTrainBatchSize < 2)
            yield return "per_device_train_batch_size must be at least 2 for kto (its KL estimate pairs each prompt with another row's completion)";
        if (PrecomputeRefLogProbs && Loss == PreferenceLossType.Kto)
            yield return "precompute_ref_log_probs cannot serve kto: its KL estimate scores prompt/completion pairs formed per batch; use lora, or leave it false";
        if (FreezeLayers < 0) yield return "freeze_layers must be 0 or more";
        if (Lora is not null && (FreezeLayers > 0 || FreezeEmbeddings)) yield return "lora: freezing layers has no meaning with LoRA (base weights are frozen)";
        if (Lora is not null) foreach (var problem in Lora.Problems()) yield return $"lora.{problem}";
    }
}
