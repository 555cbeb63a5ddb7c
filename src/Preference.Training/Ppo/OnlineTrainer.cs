using Preference.Models;
using Preference.Models.Tokenization;
using Preference.Training.Common;
using static TorchSharp.torch;

namespace Preference.Training.Ppo;

/// <summary>
/// What PPO and GRPO share as <see cref="IOnlineTrainingStage"/>s: the checks of prompts against the model's context,
/// which prompts a step trains on and the seed it samples with (both from (seed, step), so a resumed run repeats the
/// uninterrupted one), the run's input fingerprint, samples.jsonl, and training on <see cref="TrainingLoop"/>.
/// A method adds its rollout and update (<see cref="StepAsync"/>), its networks and its export.
/// </summary>
public abstract class OnlineTrainer : IOnlineTrainingStage
{
    readonly OnlineTrainingArguments _arguments;
    readonly CausalLanguageModel _policy;

    /// <param name="problems">The config's problems (those about prompts aside: the prompts given here count).</param>
    /// <param name="completionKey">The key of the completion length (response_length, max_completion_length), for errors.</param>
    protected OnlineTrainer(OnlineTrainingArguments arguments, IEnumerable<string> problems, CausalLanguageModel policy, ModelTokenizer tokenizer,
        IReadOnlyList<string> prompts, RunDirectory run, string completionKey, int completionTokens)
    {
        if (problems.FirstOrDefault(p => !p.StartsWith("prompts", StringComparison.Ordinal)) is { } problem)
            throw new ArgumentException(problem);
        if (prompts.Count == 0) throw new ArgumentException("prompts: no training prompts");
        int longest = prompts.Max(p => tokenizer.Encode(p, addBos: true).Count);
        if (longest + completionTokens > policy.Shape.MaxPositions)
            throw new ArgumentException($"{completionKey}: the longest prompt ({longest} tokens) plus {completionTokens} new tokens exceeds the model's context of {policy.Shape.MaxPositions}");
        (_arguments, _policy, Prompts, Run) = (arguments, policy, prompts, run);
    }

    protected IReadOnlyList<string> Prompts { get; }

    protected RunDirectory Run { get; }

    /// <summary>Extra places metrics go besides metrics.jsonl (the server's training channel, a console table).</summary>
    public IReadOnlyList<IMetricsSink> Sinks { get; init; } = [];

    /// <summary>
    /// Prompt → reference answer for reference-guided reward models (<see cref="PromptFile.ReadAll"/>); it goes to the
    /// reward sources beside the prompt, never into the policy's input. Null: no references.
    /// </summary>
    public IReadOnlyDictionary<string, string>? References { get; init; }

    /// <summary>Trains on the loop (claiming the run directory, or continuing it with <paramref name="resume"/>).</summary>
    public Task<TrainingOutcome> TrainAsync(bool resume, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default) =>
        new TrainingLoop(_arguments, Run, Sinks).RunAsync(this, resume, progress, cancellationToken);

    public abstract string Name { get; }

    public nn.Module Model => _policy;

    public int TrainExamples => Prompts.Count;

    public abstract long TotalSteps { get; }

    public abstract int OptimizerStepsPerStep { get; }

    public abstract IReadOnlyDictionary<string, nn.Module> CheckpointModules { get; }

    public abstract IReadOnlyDictionary<string, OptimizedParameters> Optimizers { get; }

    public abstract double FlopsPerToken { get; }

    /// <summary>Distinct prompts each step trains on.</summary>
    protected abstract int PromptsPerStep { get; }

    // The config (less what cannot change the numbers), the prompts and whatever else reaches the rewards.
    public string InputFingerprint =>
        Common.InputFingerprint.Of([_arguments with { PeakFlops = 0 }, Prompts, References?.OrderBy(r => r.Key, StringComparer.Ordinal).ToList(), .. RewardInputs()]);

    /// <summary>Inputs besides config, prompts and references that change the rewards (GRPO's extra prompt fields).</summary>
    protected virtual IEnumerable<object?> RewardInputs() => [];

    public IReadOnlyDictionary<string, double> SetupMetrics => new Dictionary<string, double>
    {
        ["parameters"] = ParameterCount,
        ["trainable_parameters"] = Optimizers.Values.SelectMany(o => o.Parameters).Where(p => p.requires_grad).Sum(p => p.numel()),
        ["train_examples"] = Prompts.Count,
    };

    /// <summary>Parameters of the networks trained (PPO: policy and value model).</summary>
    protected virtual long ParameterCount => _policy.ParameterCount();

    public double EpochAt(long step) => step * (double)PromptsPerStep / Prompts.Count;

    public virtual IReadOnlyDictionary<string, double> ExtraState => new Dictionary<string, double>();

    public virtual void Resumed(long step, IReadOnlyDictionary<string, double> extra) => Samples.DropAfter(step);

    // There is no held-out set of prompts to evaluate on.
    public EvaluationOutcome? Evaluate(CancellationToken cancellationToken) => null;

    public abstract Task<StepOutcome> StepAsync(long step, IReadOnlyDictionary<string, Optimization> optimizers, CancellationToken cancellationToken);

    public abstract string? Export(string directory, bool final, CancellationToken cancellationToken);

    /// <summary>The prompts of a step: a pure function of (seed, step).</summary>
    protected IReadOnlyList<string> PromptsOf(long step) => PromptBatches.ForStep(Prompts, PromptsPerStep, _arguments.Seed, step).Prompts;

    /// <summary>Seeds a step's sampling, so a resumed run draws the same completions.</summary>
    protected long GenerationSeed(long step) => unchecked(_arguments.Seed * 1_000_003L + step);

    /// <summary>Every sample_steps steps, the first num_samples completions with their scores to samples.jsonl.</summary>
    protected Task WriteSamplesAsync(long step, IReadOnlyList<string> prompts, IReadOnlyList<string> completions, Func<int, float> score,
        CancellationToken cancellationToken) =>
        _arguments.SampleSteps > 0 && step % _arguments.SampleSteps == 0
            ? Samples.AppendAsync(Enumerable.Range(0, Math.Min(_arguments.NumSamples, prompts.Count)).Select(i => (object)new
            {
                step,
                prompt = prompts[i],
                completion = completions[i],
                score = score(i),
            }), cancellationToken)
            : Task.CompletedTask;

    SamplesFile Samples => new(Path.Combine(Run.Path, "samples.jsonl"));
}
