using System.Diagnostics;
using System.Text.Json;
using Preference.Core.Rewards;
using Preference.Training.Common;
using Preference.Training.Estimation;
using Preference.Training.Ppo;
using static TorchSharp.torch;

namespace Preference.Training.Grpo;

/// <summary>
/// Critic-free online RL as TRL's GRPOTrainer does it (and RLOO / REINFORCE++ by their advantage estimators), on
/// <see cref="TrainingLoop"/>: each step samples num_generations completions per prompt, scores them, turns each
/// group's rewards into advantages, and takes num_iterations clipped policy-gradient steps on the batch. No value model
/// is trained or held; the reference only exists when β > 0. The loop's checkpoints hold the policy (or its adapters),
/// optimizer, RNG and step, and every random choice derives from (seed, step), so a stopped run resumes to the same numbers.
/// </summary>
public sealed class GrpoTrainer : OnlineTrainer
{
    public const string Stage = "grpo";
    const string OptimizerName = "policy";

    /// <summary>Above this fraction of zero-spread groups or truncated completions a step says it is unlikely to learn.</summary>
    public const double WarningFraction = 0.5;

    readonly GrpoConfig _config;
    readonly GrpoModels _models;
    readonly IRewardSource _reward;
    readonly IReadOnlyDictionary<string, nn.Module> _checkpointModules;
    NoLearningWarnings? _warnings;

    public GrpoTrainer(GrpoConfig config, GrpoModels models, IRewardSource reward, IReadOnlyList<string> prompts, RunDirectory run)
        : base(config, config.Problems(), models.Policy, models.Tokenizer, prompts, run, "max_completion_length", config.MaxCompletionLength)
    {
        if (config.Beta > 0 && !models.HasReference) throw new ArgumentException("beta: > 0 needs a reference model; load the models with this config");
        (_config, _models, _reward) = (config, models, reward);
        _checkpointModules = models.CheckpointModules();
    }

    /// <summary>Where the no-learning warnings go (most groups without reward spread, most completions truncated).</summary>
    public TextWriter? Warnings { get; init; }

    /// <summary>Prompt → the other fields of its .jsonl line (<see cref="PromptFile.ReadAll"/>), handed to the reward
    /// sources as TRL passes extra dataset columns; null: none.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, JsonElement>>? PromptFields { get; init; }

    public override string Name => Stage;

    public override long TotalSteps => _config.MaxSteps;

    public override int OptimizerStepsPerStep => _config.NumIterations;

    protected override int PromptsPerStep => _config.PromptsPerStep;

    public override IReadOnlyDictionary<string, nn.Module> CheckpointModules => _checkpointModules;

    public override IReadOnlyDictionary<string, OptimizedParameters> Optimizers =>
        new Dictionary<string, OptimizedParameters> { [OptimizerName] = new(_models.TrainableParameters()) };

    // The extra fields reach the rewards, so they are part of the inputs.
    protected override IEnumerable<object?> RewardInputs() =>
    [
        PromptFields?.OrderBy(f => f.Key, StringComparer.Ordinal)
            .Select(f => new { prompt = f.Key, fields = f.Value.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => $"{v.Key}={v.Value.GetRawText()}") })
            .ToList(),
    ];

    // Per generated token: sampling, the reference's forward when β > 0, then num_iterations forward and backward passes.
    public override double FlopsPerToken => (_config.Beta > 0 ? 4.0 : 2.0) * _models.Policy.ParameterCount()
        + _config.NumIterations * ModelFlops.TrainingPerToken(_models.Policy, _config.MaxCompletionLength);

    public override async Task<StepOutcome> StepAsync(long step, IReadOnlyDictionary<string, Optimization> optimizers, CancellationToken cancellationToken)
    {
        var optimization = optimizers[OptimizerName];
        var prompts = PromptsOf(step);
        var collector = new GroupRolloutCollector(_models, _config, _reward, References, PromptFields);
        var (rollout, generateSeconds, scoreSeconds) = await collector.CollectAsync(prompts, GenerationSeed(step), cancellationToken);
        using (rollout)
        {
            var trainTimer = Stopwatch.StartNew();
            var stats = new GrpoUpdate(_models, _config, optimization).Run(rollout, step, cancellationToken);
            var times = new PhaseTimes(generateSeconds, scoreSeconds, trainTimer.Elapsed.TotalSeconds);
            var metrics = GrpoMetrics.Of(rollout, stats, _reward, _config, step, times);
            (_warnings ??= new NoLearningWarnings(Warnings)).Check(step, metrics);
            await WriteSamplesAsync(step, rollout.Prompts, rollout.Completions,
                i => rollout.Rewards[i / _config.NumGenerations, i % _config.NumGenerations], cancellationToken);
            return new StepOutcome(metrics, rollout.CompletionLengths.Sum(l => (long)l));
        }
    }

    /// <summary>The policy as a Hugging Face model, or with LoRA its PEFT adapters (and at the end, unless
    /// merge_adapters is off, the merged model in final/merged). Returns the merged model's directory, or null.</summary>
    public override string? Export(string directory, bool final, CancellationToken cancellationToken) =>
        ModelExport.Save(_models.Policy, _models.Tokenizer, _models.Lora, _models.PolicySource, directory,
            final && _models.Lora is not null && _config.MergeAdapters, cancellationToken);

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
