using Preference.Models.Lora;
using Preference.Training.Rewards;

namespace Preference.Training.Common;

/// <summary>
/// What the online methods (PPO, GRPO: YAML sections <c>ppo:</c>, <c>grpo:</c>) share beyond
/// <see cref="TrainingArguments"/>: the policy and how it is tuned, the prompts, how completions are sampled, the
/// reward sources and the samples written on the way. A step is a rollout over a batch of prompts and an update over
/// it; there is no held-out set, so nothing is evaluated and early stopping is off. Dropout is off, so the sampling
/// policy's log-probs and the update's come from one network (the clipped ratio starts at 1).
/// </summary>
public abstract record OnlineTrainingArguments : TrainingArguments
{
    protected OnlineTrainingArguments()
    {
        DisableDropout = true;
        LoggingSteps = 1;
        SaveSteps = 10;
    }

    /// <summary>The SFT policy: a llama2.c .bin or Hugging Face directory. Default null = the bundled stories260K.</summary>
    public string? Policy { get; init; }

    /// <summary>
    /// Train LoRA adapters on the policy instead of all its weights (YAML <c>lora: {rank, alpha, target_modules}</c>,
    /// the same keys as SFT's). The reference is then the policy's own base weights with the adapters switched off, so
    /// no second copy is held; checkpoints hold the adapters alone. Dropout is forced to 0, as TRL does. Default null:
    /// full fine-tuning.
    /// </summary>
    public LoraConfig? Lora { get; init; }

    /// <summary>With LoRA: besides the PEFT adapters in final/, write the merged model to final/merged. Default true (as SFT).</summary>
    public bool MergeAdapters { get; init; } = true;

    /// <summary>Training prompts, inline. Used when <see cref="PromptsFile"/> is not given.</summary>
    public List<string> Prompts { get; init; } = [];

    /// <summary>
    /// Training prompts from a file: one per line (.txt), {"prompt": …, "reference": …, any other fields} per line
    /// (.jsonl; a reference answer and the other fields go to the reward sources beside the prompt, as TRL passes extra
    /// columns, never to the policy) or a YAML file with a top-level <c>prompts:</c> list.
    /// </summary>
    public string? PromptsFile { get; init; }

    /// <summary>Sampling temperature; log-probs are taken under the same scaled distribution. Default 1.0 (GRPO), 0.7 (PPO), as TRL.</summary>
    public double Temperature { get; init; } = 1.0;

    /// <summary>Top-k filtering of samples; 0 (default) is off, as TRL samples from the full distribution.</summary>
    public int TopK { get; init; }

    /// <summary>Nucleus filtering of samples; 1 (default) is off.</summary>
    public double TopP { get; init; } = 1.0;

    /// <summary>The token that ends a completion; default null = the tokenizer's EOS. llama2.c story models end a story with BOS (1).</summary>
    public int? StopTokenId { get; init; }

    /// <summary>Subtracted from the reward of completions that never produced the stop token. Default null (off), as TRL.</summary>
    public double? MissingEosPenalty { get; init; }

    /// <summary>Write sample completions to samples.jsonl every this many steps; 0 = never. Default 10.</summary>
    public int SampleSteps { get; init; } = 10;

    /// <summary>Sample completions written each time. Default 4.</summary>
    public int NumSamples { get; init; } = 4;

    /// <summary>Reward sources, summed with their weights (regex, length, reward_model, judge, http).</summary>
    public List<RewardSpec> Rewards { get; init; } = [];

    /// <summary>The shared keys' problems (TrainingArguments' and the online ones); a method adds its own after these.</summary>
    protected IEnumerable<string> OnlineProblems()
    {
        foreach (var problem in ArgumentProblems()) yield return problem;
        if (NumTrainEpochs != 1) yield return "num_train_epochs: an online run's length is its steps (max_steps, or ppo's total_episodes); leave it at 1";
        if (!DisableDropout) yield return "disable_dropout: online methods need dropout off (the sampling policy and the updated one must be one network)";
        if (EarlyStoppingPatience != 0) yield return "early_stopping_patience: online runs have no held-out set to stop on; leave it at 0";
        if (!(Temperature > 0)) yield return "temperature: must be positive (online methods learn from sampled completions)";
        if (TopK < 0) yield return "top_k: must be 0 (off) or positive";
        if (TopP is <= 0 or > 1 || double.IsNaN(TopP)) yield return "top_p: must be in (0, 1]";
        if (MissingEosPenalty is < 0) yield return "missing_eos_penalty: must be 0 or more (it is subtracted)";
        if (SampleSteps < 0) yield return "sample_steps: must be 0 (never) or more";
        if (NumSamples < 0) yield return "num_samples: must be 0 or more";
        if (Prompts.Count == 0 && string.IsNullOrWhiteSpace(PromptsFile)) yield return "prompts: give prompts inline or a prompts_file";
        if (Prompts.Any(string.IsNullOrEmpty)) yield return "prompts: a prompt is empty";
        if (Rewards.Count == 0) yield return "rewards: at least one reward source is required";
        if (Lora is not null) foreach (var problem in Lora.Problems()) yield return "lora." + problem;
        for (int i = 0; i < Rewards.Count; i++)
            foreach (var problem in Rewards[i].Problems(i)) yield return problem;
    }
}
