using System.Diagnostics;
using System.Text.Json;
using Preference.Training.Common;
using Preference.Training.Estimation;
using Preference.Training.Ppo;
using Preference.Training.Rewards;
using static TorchSharp.torch;

namespace Preference.Training.Grpo;

/// <summary>
/// Critic-free online RL as TRL's GRPOTrainer does it (and RLOO / REINFORCE++ by their advantage estimators), on
/// <see cref="TrainingLoop"/>: each step samples num_generations completions per prompt, scores them, turns each
/// group's rewards into advantages, and takes num_iterations clipped policy-gradient steps on the batch. No value model
/// is trained or held; the reference only exists when β > 0. The loop's checkpoints hold the policy (or its adapters),
/// optimizer, RNG and step, and every random choice derives from (seed, step), so a stopped run resumes to the same numbers.
/// </summary>
public sealed class GrpoTrainer : IOnlineTrainingStage
{
    public const string Stage = "grpo";
    const string OptimizerName = "policy";

    /// <summary>Above this fraction of zero-spread groups or truncated completions a step says it is unlikely to learn.</summary>
    public const double WarningFraction = 0.5;

    readonly GrpoConfig _config;
    readonly GrpoModels _models;
    readonly IRewardSource _reward;
    readonly IReadOnlyList<string> _prompts;
    readonly RunDirectory _run;
    readonly IReadOnlyDictionary<string, nn.Module> _checkpointModules;
    NoLearningWarnings? _warnings;

    public GrpoTrainer(GrpoConfig config, GrpoModels models, IRewardSource reward, IReadOnlyList<string> prompts, RunDirectory run)
    {
        if (config.Problems().FirstOrDefault(p => !p.StartsWith("prompts", StringComparison.Ordinal)) is { } problem)
            throw new ArgumentException(problem);
        if (prompts.Count == 0) throw new ArgumentException("prompts: no training prompts");
        if (config.Beta > 0 && !models.HasReference) throw new ArgumentException("beta: > 0 needs a reference model; load the models with this config");
        int longest = prompts.Max(p => models.Tokenizer.Encode(p, addBos: true).Count);
        if (longest + config.MaxCompletionLength > models.Policy.Shape.MaxPositions)
            throw new ArgumentException($"max_completion_length: the longest prompt ({longest} tokens) plus {config.MaxCompletionLength} new tokens exceeds the model's context of {models.Policy.Shape.MaxPositions}");
        (_config, _models, _reward, _prompts, _run) = (config, models, reward, prompts, run);
        _checkpointModules = models.CheckpointModules();
    }

    /// <summary>Extra places metrics go besides metrics.jsonl (the server's training channel, a console table).</summary>
    public IReadOnlyList<IMetricsSink> Sinks { get; init; } = [];

    /// <summary>Where the no-learning warnings go (most groups without reward spread, most completions truncated).</summary>
    public TextWriter? Warnings { get; init; }

    /// <summary>Prompt → reference answer handed to the reward sources beside the prompt; null: no references.</summary>
    public IReadOnlyDictionary<string, string>? References { get; init; }

    /// <summary>Prompt → the other fields of its .jsonl line (<see cref="PromptFile.ReadAll"/>), handed to the reward
    /// sources as TRL passes extra dataset columns; null: none.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, JsonElement>>? PromptFields { get; init; }

    /// <summary>Trains on the loop (claiming the run directory, or continuing it with <paramref name="resume"/>).</summary>
    public Task<TrainingOutcome> TrainAsync(bool resume, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default) =>
        new TrainingLoop(_config, _run, Sinks).RunAsync(this, resume, progress, cancellationToken);

    public string Name => Stage;

    public nn.Module Model => _models.Policy;

    public int TrainExamples => _prompts.Count;

    public long TotalSteps => _config.MaxSteps;

    public int OptimizerStepsPerStep => _config.NumIterations;

    public IReadOnlyDictionary<string, nn.Module> CheckpointModules => _checkpointModules;

    public IReadOnlyDictionary<string, OptimizedParameters> Optimizers =>
        new Dictionary<string, OptimizedParameters> { [OptimizerName] = new(_models.TrainableParameters()) };

    // References and the other fields change the rewards, so they are part of the inputs.
    public string InputFingerprint => Common.InputFingerprint.Of(_config with { PeakFlops = 0 }, _prompts,
        References?.OrderBy(r => r.Key, StringComparer.Ordinal).ToList(),
        PromptFields?.OrderBy(f => f.Key, StringComparer.Ordinal)
            .Select(f => new { prompt = f.Key, fields = f.Value.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => $"{v.Key}={v.Value.GetRawText()}") })
            .ToList());

    // Per generated token: sampling, the reference's forward when β > 0, then num_iterations forward and backward passes.
    public double FlopsPerToken => (_config.Beta > 0 ? 4.0 : 2.0) * _models.Policy.ParameterCount()
        + _config.NumIterations * ModelFlops.TrainingPerToken(_models.Policy, _config.MaxCompletionLength);

    public IReadOnlyDictionary<string, double> SetupMetrics => new Dictionary<string, double>
    {
        ["parameters"] = _models.Policy.ParameterCount(),
        ["trainable_parameters"] = _models.TrainableParameters().Sum(p => p.numel()),
        ["train_examples"] = _prompts.Count,
    };

    public double EpochAt(long step) => step * (double)_config.PromptsPerStep / _prompts.Count;

    public void Resumed(long step, IReadOnlyDictionary<string, double> extra) => Samples.DropAfter(step);

    public EvaluationOutcome? Evaluate(CancellationToken cancellationToken) => null;

    public async Task<StepOutcome> StepAsync(long step, IReadOnlyDictionary<string, Optimization> optimizers, CancellationToken cancellationToken)
    {
        var optimization = optimizers[OptimizerName];
        var prompts = PromptBatches.ForStep(_prompts, _config.PromptsPerStep, _config.Seed, step).Prompts;
        var collector = new GroupRolloutCollector(_models, _config, _reward, References, PromptFields);
        var (rollout, generateSeconds, scoreSeconds) = await collector.CollectAsync(prompts, GenerationSeed(step), cancellationToken);
        using (rollout)
        {
            var trainTimer = Stopwatch.StartNew();
            var stats = new GrpoUpdate(_models, _config, optimization).Run(rollout, step, cancellationToken);
            var times = new PhaseTimes(generateSeconds, scoreSeconds, trainTimer.Elapsed.TotalSeconds);
            var metrics = GrpoMetrics.Of(rollout, stats, _reward, _config, step, times);
            (_warnings ??= new NoLearningWarnings(Warnings)).Check(step, metrics);
            if (_config.SampleSteps > 0 && step % _config.SampleSteps == 0)
                await Samples.AppendAsync(Enumerable.Range(0, Math.Min(_config.NumSamples, rollout.Prompts.Count)).Select(i => (object)new
                {
                    step,
                    prompt = rollout.Prompts[i],
                    completion = rollout.Completions[i],
                    score = rollout.Rewards[i / _config.NumGenerations, i % _config.NumGenerations],
                }), cancellationToken);
            return new StepOutcome(metrics, rollout.CompletionLengths.Sum(l => (long)l));
        }
    }

    /// <summary>The policy as a Hugging Face model, or with LoRA its PEFT adapters (and at the end, unless
    /// merge_adapters is off, the merged model in final/merged). Returns the merged model's directory, or null.</summary>
    public string? Export(string directory, bool final, CancellationToken cancellationToken) =>
        ModelExport.Save(_models.Policy, _models.Tokenizer, _models.Lora, _models.PolicySource, directory,
            final && _models.Lora is not null && _config.MergeAdapters, cancellationToken);

    SamplesFile Samples => new(Path.Combine(_run.Path, "samples.jsonl"));

    long GenerationSeed(long step) => unchecked(_config.Seed * 1_000_003L + step);

    /// <summary>Says so (once, when it starts) when a step is in one of the usual silent no-learning states.</summary>
    sealed class NoLearningWarnings(TextWriter? writer)
    {
        bool _zeroSpread, _truncated;

        public void Check(long step, IReadOnlyDictionary<string, double> metrics)
        {
            bool zeroSpread = metrics["warnings/zero_reward_spread"] > 0, truncated = metrics["warnings/truncated_completions"] > 0;
            if (zeroSpread && !_zeroSpread)
                writer?.WriteLine($"grpo: warning: step {step}: {metrics["frac_reward_zero_std"]:P0} of the groups have the same reward for every completion, so they have no advantage to learn from; make the reward finer-grained, raise num_generations or the temperature");
            if (truncated && !_truncated)
                writer?.WriteLine($"grpo: warning: step {step}: {metrics["completions/clipped_ratio"]:P0} of the completions hit max_completion_length without the stop token; raise max_completion_length, set missing_eos_penalty or mask_truncated_completions");
            (_zeroSpread, _truncated) = (zeroSpread, truncated);
        }
    }
}
