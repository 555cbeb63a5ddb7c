using Preference.Core.Datasets;
using Preference.Training.Common;
using Preference.Training.Reward.Data;
using Preference.Training.Reward.Modeling;

namespace Preference.Training.Reward.Training;

/// <summary>
/// A Bradley–Terry reward model, after TRL's RewardConfig: the data, the trunk and its heads, the loss and the shared
/// training arguments (epochs, optimizer, evaluation, early stopping, checkpoints). Read from the <c>rm:</c> section
/// of a YAML file (configs/rm-*.yaml, configs/quickstart.yaml) by <c>pref rm train</c> and the quickstart alike.
/// Defaults that differ from <see cref="TrainingArguments"/> are set in the constructor, each with its reason.
/// </summary>
public sealed record RewardConfig : TrainingArguments, IValidatedConfig
{
    public RewardConfig()
    {
        // A few thousand pairs overfit a transformer quickly: a high peak rate for a small trunk, strong weight decay,
        // cosine decay after a 10% warm-up; several epochs with early stopping on a validation metric decide when to stop.
        Optimizer = new OptimizerConfig { LearningRate = 1e-3, WeightDecay = 0.1, WarmupRatio = 0.1, Schedule = LearningRateScheduleKind.Cosine };
        NumTrainEpochs = 4;
        PerDeviceTrainBatchSize = 16;
        PerDeviceEvalBatchSize = 32;
        EarlyStoppingPatience = 4;
        Seed = 1;
    }

    /// <summary>
    /// Validation metric that picks the kept step (final/ = best/) and drives early stopping: accuracy (higher is better,
    /// the default) or loss (lower is better).
    /// </summary>
    public BestModelMetric MetricForBestModel { get; init; } = BestModelMetric.Accuracy;

    /// <summary>Preference file to train on (TRL JSONL, HH-RLHF, prompt/completions with ranking, qa-feedback JSON). Required.</summary>
    public string? TrainFile { get; init; }

    /// <summary>Format of the files; auto recognises each record by its keys.</summary>
    public DatasetFormat Format { get; init; } = DatasetFormat.Auto;

    /// <summary>Held-out file for the final report (not used for any choice); none = report on the validation split only.</summary>
    public string? EvalFile { get; init; }

    /// <summary>
    /// Share of training prompts (not pairs) held out for validation, early stopping and picking the best step.
    /// Default 0.1: enough pairs for a usable accuracy estimate on a 2k-pair set without starving training.
    /// </summary>
    public double ValidationFraction { get; init; } = 0.1;

    /// <summary>
    /// Share of the train file's prompts held out as the test split when there is no eval file (qa-feedback ships
    /// as one file; split 80/20 by question). 0 = none.
    /// </summary>
    public double TestFraction { get; init; }

    /// <summary>Ties in k-wise rankings: drop (default, as TRL) or train them towards equal rewards.</summary>
    public TieHandling Ties { get; init; } = TieHandling.Drop;

    /// <summary>
    /// The trunk: a llama2.c .bin or Hugging Face directory to fine-tune, "bundled" for stories260K, or "scratch" for a
    /// fresh LLaMA (see <see cref="Scratch"/>) with a byte-level BPE vocabulary learned from the training file.
    /// </summary>
    public string BaseModel { get; init; } = "scratch";

    /// <summary>Shape of a model trained from scratch; ignored otherwise.</summary>
    public ScratchModel Scratch { get; init; } = new();

    /// <summary>Tokens read per completion, BOS and EOS included; longer texts keep their end (the final answer). Default 256.</summary>
    public int MaxLength { get; init; } = 256;

    /// <summary>
    /// Which prompt text the model reads before the completion. Default full; last_human_turn drops earlier turns,
    /// which in implicit-prompt data (HH-RLHF) are the same on both sides of every pair and so cannot decide it;
    /// relevant_passages keeps a question-with-passages prompt's question and the passage sentences closest to the
    /// completion that fit the window (qa-feedback: passages run to ~700 tokens, answers to ~100).
    /// </summary>
    public PromptContext Context { get; init; } = PromptContext.Full;

    /// <summary>
    /// Where the reward is read: last (default, the transformers sequence-classification head, reloadable there as is)
    /// or last_and_mean (plus a head on the mean hidden state over the completion's tokens, which lets word presence
    /// speak directly — what a bag-of-words baseline shows matters most on small preference sets).
    /// </summary>
    public RewardPooling Pooling { get; init; } = RewardPooling.Last;

    /// <summary>
    /// Hand-written inputs beside the trunk: none (default), or grounding — a linear head on how well the source text
    /// (a <see cref="QaPrompt"/>'s passages, else the prompt) supports the completion, its repetition, length and
    /// coverage (<see cref="GroundingFeatures"/>). For judgements that hinge on passages a small trunk cannot learn to
    /// read from a few hundred questions (qa-feedback).
    /// </summary>
    public RewardFeatures Features { get; init; } = RewardFeatures.None;

    /// <summary>
    /// With features: start the feature head at the logistic fit of the features alone on the training pairs, and the
    /// trunk's heads at zero (default true). The trunk then learns only what adds to the features; without it, a small
    /// trunk overfits a few hundred questions long before a zero-started feature head reaches its weights.
    /// </summary>
    public bool FeatureWarmStart { get; init; } = true;

    /// <summary>L2 strength of the warm-start logistic fit (on standardised features). Default 0.01.</summary>
    public double FeatureL2 { get; init; } = 0.01;

    /// <summary>Dropout on the hidden states the heads read, while training (0 = none). Default 0.</summary>
    public double HeadDropout { get; init; }

    /// <summary>ε in the loss: train towards P(chosen wins) = 1 − ε, for noisy human labels. 0 = plain Bradley–Terry.</summary>
    public double LabelSmoothing { get; init; }

    /// <summary>λ of the centering term λ·mean((r_c + r_r)²) (TRL center_rewards_coefficient; ~0.01 recommended). Default 0.01.</summary>
    public double CenteringCoefficient { get; init; } = 0.01;

    /// <summary>Freeze the trunk's first N decoder layers (0 = full fine-tuning). Default 0.</summary>
    public int FreezeLayers { get; init; }

    /// <summary>Freeze the trunk's token embeddings. Default false.</summary>
    public bool FreezeEmbeddings { get; init; }

    /// <summary>What trains: the trunk's unfrozen layers and every reward head (the same freezing as every stage).</summary>
    public TrainableParts Trainable() => new(Lora: null, FreezeLayers, FreezeEmbeddings, DisableDropout);

    public IEnumerable<string> Problems()
    {
        if (string.IsNullOrWhiteSpace(TrainFile)) yield return "train_file is required";
        foreach (var problem in ArgumentProblems()) yield return problem;
        if (ValidationFraction is <= 0 or >= 0.5) yield return "validation_fraction must be above 0 and below 0.5 (validation picks the kept step)";
        if (TestFraction is < 0 or >= 0.5) yield return "test_fraction must be at least 0 and below 0.5";
        if (string.IsNullOrWhiteSpace(BaseModel)) yield return "base_model is required (scratch, bundled or a model path)";
        if (MaxLength is < 8 or > 4096) yield return "max_length must be between 8 and 4096";
        if (LabelSmoothing is < 0 or >= 0.5) yield return "label_smoothing must be at least 0 and below 0.5";
        if (CenteringCoefficient < 0) yield return "centering_coefficient must be 0 or more";
        if (HeadDropout is < 0 or >= 1) yield return "head_dropout must be in [0, 1)";
        if (FeatureL2 < 0) yield return "feature_l2 must be 0 or more";
        if (FreezeLayers < 0) yield return "freeze_layers must be 0 or more";
        if (BaseModel == RewardModelFactory.Scratch)
            foreach (var problem in Scratch.Problems()) yield return $"scratch.{problem}";
    }
}

/// <summary>A small LLaMA trained from nothing, sized for a few thousand pairs on a CPU.</summary>
public sealed record ScratchModel
{
    /// <summary>Tokens in the BPE vocabulary learned from the training texts. Default 4096.</summary>
    public int VocabSize { get; init; } = 4096;

    public int HiddenSize { get; init; } = 64;

    public int Layers { get; init; } = 2;

    public int Heads { get; init; } = 4;

    public int IntermediateSize { get; init; } = 172;

    public IEnumerable<string> Problems()
    {
        if (VocabSize < 300) yield return "vocab_size must be at least 300";
        if (HiddenSize < 8 || Heads < 1 || HiddenSize % Heads != 0 || HiddenSize / Heads % 2 != 0)
            yield return "hidden_size must be divisible by scratch.heads into an even head size";
        if (Layers < 1) yield return "layers must be at least 1";
        if (IntermediateSize < 1) yield return "intermediate_size must be at least 1";
    }
}
