using Preference.Core.Datasets;
using Preference.Training.Reward.Data;
using Preference.Training.Reward.Modeling;

namespace Preference.Training.Reward.Training;

/// <summary>
/// Everything one reward-model run needs, TRL RewardConfig style: every field has its default and the reason for it.
/// Read from YAML by <c>pref rm train --config</c> (keys are the property names in snake_case).
/// </summary>
public sealed record RewardConfig
{
    /// <summary>Preference file to train on (TRL JSONL, HH-RLHF, prompt/completions with ranking, qa-feedback JSON).</summary>
    public required string TrainFile { get; init; }

    /// <summary>Format of the files; auto recognises each record by its keys.</summary>
    public DatasetFormat Format { get; init; } = DatasetFormat.Auto;

    /// <summary>Held-out file for the final report (not used for any choice); none = report on the validation split only.</summary>
    public string? EvalFile { get; init; }

    /// <summary>
    /// Share of training prompts (not pairs) held out for validation, early stopping and picking the best checkpoint.
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

    /// <summary>Tokens read per completion, BOS and EOS included; longer texts keep their end (the final answer).</summary>
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

    /// <summary>Pairs per optimizer step (each pair is two sequences).</summary>
    public int BatchSize { get; init; } = 16;

    public int NumTrainEpochs { get; init; } = 4;

    /// <summary>Peak AdamW learning rate, reached after <see cref="WarmupFraction"/> of the steps, then cosine to 10%.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Decoupled weight decay; strong by default because a few thousand pairs overfit a transformer quickly.</summary>
    public double WeightDecay { get; init; } = 0.1;

    public double WarmupFraction { get; init; } = 0.1;

    /// <summary>Global gradient-norm clip (0 = off).</summary>
    public double MaxGradNorm { get; init; } = 1.0;

    /// <summary>ε in the loss: train towards P(chosen wins) = 1 − ε, for noisy human labels. 0 = plain Bradley–Terry.</summary>
    public double LabelSmoothing { get; init; }

    /// <summary>λ of the centering term λ·mean((r_c + r_r)²) (TRL center_rewards_coefficient; ~0.01 recommended).</summary>
    public double CenteringCoefficient { get; init; } = 0.01;

    /// <summary>Freeze the token embeddings and this many of the lowest transformer layers (0 = full fine-tuning).</summary>
    public int FreezeLayers { get; init; }

    /// <summary>Validate every this many optimizer steps (and at each epoch's end).</summary>
    public int EvalSteps { get; init; } = 50;

    /// <summary>Stop after this many validations without a better validation loss (0 = never stop early).</summary>
    public int EarlyStoppingPatience { get; init; } = 4;

    public int Seed { get; init; } = 1;

    /// <summary>Directory for the exported model, metrics and per-pair scores.</summary>
    public string OutputDirectory { get; init; } = "runs/rm";

    public void Validate()
    {
        static void Require(bool ok, string key, string problem)
        {
            if (!ok) throw new ArgumentException($"{key}: {problem}");
        }
        Require(!string.IsNullOrWhiteSpace(TrainFile), "train_file", "required");
        Require(ValidationFraction is > 0 and < 0.5, "validation_fraction", "must be between 0 and 0.5");
        Require(TestFraction is >= 0 and < 0.5, "test_fraction", "must be at least 0 and below 0.5");
        Require(MaxLength is >= 8 and <= 4096, "max_length", "must be between 8 and 4096");
        Require(BatchSize >= 1, "batch_size", "must be at least 1");
        Require(NumTrainEpochs >= 1, "num_train_epochs", "must be at least 1");
        Require(LearningRate is > 0 and < 1, "learning_rate", "must be between 0 and 1");
        Require(WeightDecay >= 0, "weight_decay", "must not be negative");
        Require(WarmupFraction is >= 0 and < 1, "warmup_fraction", "must be at least 0 and below 1");
        Require(MaxGradNorm >= 0, "max_grad_norm", "must not be negative");
        Require(LabelSmoothing is >= 0 and < 0.5, "label_smoothing", "must be at least 0 and below 0.5");
        Require(CenteringCoefficient >= 0, "centering_coefficient", "must not be negative");
        Require(HeadDropout is >= 0 and < 1, "head_dropout", "must be at least 0 and below 1");
        Require(FeatureL2 >= 0, "feature_l2", "must not be negative");
        Require(FreezeLayers >= 0, "freeze_layers", "must not be negative");
        Require(EvalSteps >= 1, "eval_steps", "must be at least 1");
        Require(EarlyStoppingPatience >= 0, "early_stopping_patience", "must not be negative");
        Scratch.Validate();
    }
}

/// <summary>A small LLaMA trained from nothing, sized for a few thousand pairs on a CPU.</summary>
public sealed record ScratchModel
{
    /// <summary>Tokens in the BPE vocabulary learned from the training texts.</summary>
    public int VocabSize { get; init; } = 4096;

    public int HiddenSize { get; init; } = 64;

    public int Layers { get; init; } = 2;

    public int Heads { get; init; } = 4;

    public int IntermediateSize { get; init; } = 172;

    public void Validate()
    {
        if (VocabSize < 300) throw new ArgumentException("scratch.vocab_size: must be at least 300");
        if (HiddenSize < 8 || Heads < 1 || HiddenSize % Heads != 0 || HiddenSize / Heads % 2 != 0)
            throw new ArgumentException("scratch.hidden_size: must be divisible by scratch.heads into an even head size");
        if (Layers < 1) throw new ArgumentException("scratch.layers: must be at least 1");
        if (IntermediateSize < 1) throw new ArgumentException("scratch.intermediate_size: must be at least 1");
    }
}
