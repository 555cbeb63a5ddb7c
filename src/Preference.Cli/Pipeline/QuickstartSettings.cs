using Preference.Training.Common;

namespace Preference.Cli.Pipeline;

/// <summary>
/// The <c>quickstart:</c> section of configs/quickstart.yaml: sizes of the campaign, candidates and evaluation (the reward
/// model reads the <c>rm:</c> section, PPO <c>ppo:</c>, DPO <c>dpo:</c>, GRPO <c>grpo:</c>). Defaults are sized so the whole loop runs in a few minutes on 2 CPU cores.
/// </summary>
public sealed record QuickstartSettings : IValidatedConfig
{
    /// <summary>
    /// How the policy learns from the exported rankings: ppo (a reward model, then PPO against it; the ppo: section) or
    /// dpo (direct preference optimisation on the pairs, no reward model; the dpo: section). Default ppo.
    /// </summary>
    public QuickstartAlgorithm Algorithm { get; init; } = QuickstartAlgorithm.Ppo;

    /// <summary>Prompts the bundled policy completes for the campaign; PPO trains on them too unless ppo.prompts is set.</summary>
    public List<string> Prompts { get; init; } = [];

    /// <summary>Prompts kept out of every training stage, for the final win-rate evaluation.</summary>
    public List<string> HeldoutPrompts { get; init; } = [];

    /// <summary>Candidates generated per prompt, shown together as one k-wise ranking task. Default 4 (6 pairs per task).</summary>
    public int CandidatesPerPrompt { get; init; } = 4;

    /// <summary>
    /// Ranking tasks per prompt, each with fresh candidates. Default 3: the rule judge ties most pairs (neither story
    /// has a dog), so one task per prompt leaves too few pairs for a reward model that generalises.
    /// </summary>
    public int TasksPerPrompt { get; init; } = 3;

    /// <summary>Tokens per candidate. Default 48: a short story fits, generation stays quick on a CPU.</summary>
    public int MaxNewTokens { get; init; } = 48;

    /// <summary>Sampling temperature of the candidates. Default 1.0: the policy's own distribution gives diverse candidates.</summary>
    public double Temperature { get; init; } = 1.0;

    /// <summary>Token that ends a candidate. Default 1: llama2.c story models end a story with BOS.</summary>
    public int? StopTokenId { get; init; } = 1;

    /// <summary>Seed of candidate generation and of the evaluation's sampling.</summary>
    public long Seed { get; init; } = 7;

    /// <summary>Judge config (configs/judge*.yaml) that ranks the campaign and judges the evaluation. Relative to the working directory.</summary>
    public string Judge { get; init; } = "configs/ppo-stories-judge.yaml";

    /// <summary>--human only: finished tasks the campaign needs before training starts. 0 = every task.</summary>
    public int HumanTasksRequired { get; init; }

    /// <summary>--human only: seconds between progress polls.</summary>
    public double HumanPollSeconds { get; init; } = 5;

    /// <summary>Completions per held-out prompt and model in the evaluation. Default 4 for a usable interval.</summary>
    public int EvalSamplesPerPrompt { get; init; } = 4;

    public IEnumerable<string> Problems()
    {
        if (Prompts.Count == 0) yield return "prompts: at least one prompt is required";
        if (HeldoutPrompts.Count == 0) yield return "heldout_prompts: at least one held-out prompt is required";
        if (Prompts.Intersect(HeldoutPrompts).FirstOrDefault() is { } both) yield return $"heldout_prompts: '{both}' is also a training prompt";
        if (CandidatesPerPrompt is < 2 or > 9) yield return "candidates_per_prompt: must be 2..9 (a campaign shows 2..9 responses)";
        if (TasksPerPrompt < 1) yield return "tasks_per_prompt: must be at least 1";
        if (MaxNewTokens < 1) yield return "max_new_tokens: must be at least 1";
        if (!(Temperature > 0)) yield return "temperature: must be positive (identical candidates teach nothing)";
        if (string.IsNullOrWhiteSpace(Judge)) yield return "judge: required";
        if (HumanTasksRequired < 0) yield return "human_tasks_required: must be 0 or more";
        if (!(HumanPollSeconds > 0)) yield return "human_poll_seconds: must be positive";
        if (EvalSamplesPerPrompt < 1) yield return "eval_samples_per_prompt: must be at least 1";
    }
}
