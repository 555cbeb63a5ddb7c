using System.Diagnostics;
using Preference.Models.Heads;
using Preference.Models.Lora;
using Preference.Models.Loading;
using Preference.Training.Common;
using Preference.Training.Estimation;
using Preference.Training.Rewards;
using TorchSharp;
using static TorchSharp.torch;

namespace Preference.Training.Ppo;

/// <summary>
/// PPO for language models as TRL's PPOTrainer does it, on <see cref="TrainingLoop"/>: each step samples a batch of
/// responses, scores them, shapes per-token rewards with a KL penalty to the frozen reference, estimates advantages
/// with GAE and runs clipped policy/value updates. The loop's checkpoints hold policy (or its adapters), value model,
/// optimizer, RNG, step and the KL coefficient, and every random choice derives from (seed, step), so a killed run
/// resumes to the same numbers.
/// </summary>
public sealed class PpoTrainer : IOnlineTrainingStage
{
    public const string Stage = "ppo";
    const string KlCoefKey = "kl_coef";
    const string OptimizerName = "policy_and_value";

    readonly PpoConfig _config;
    readonly PpoModels _models;
    readonly IRewardSource _reward;
    readonly IReadOnlyList<string> _prompts;
    readonly RunDirectory _run;
    readonly KlController _kl;
    readonly IReadOnlyDictionary<string, nn.Module> _checkpointModules;

    public PpoTrainer(PpoConfig config, PpoModels models, IRewardSource reward, IReadOnlyList<string> prompts, RunDirectory run)
    {
        if (config.Problems().FirstOrDefault(p => !p.StartsWith("prompts", StringComparison.Ordinal)) is { } problem)
            throw new ArgumentException(problem);
        if (prompts.Count == 0) throw new ArgumentException("prompts: no training prompts");
        int longest = prompts.Max(p => models.Tokenizer.Encode(p, addBos: true).Count);
        if (longest + config.ResponseLength > models.Policy.Shape.MaxPositions)
            throw new ArgumentException($"response_length: the longest prompt ({longest} tokens) plus {config.ResponseLength} new tokens exceeds the model's context of {models.Policy.Shape.MaxPositions}");
        (_config, _models, _reward, _prompts, _run) = (config, models, reward, prompts, run);
        _kl = KlController.For(config);
        _checkpointModules = models.CheckpointModules();
    }

    /// <summary>Extra places metrics go besides metrics.jsonl (the server's training channel, a console table).</summary>
    public IReadOnlyList<IMetricsSink> Sinks { get; init; } = [];

    /// <summary>
    /// Prompt → reference answer for reference-guided reward models (<see cref="PromptFile.ReadAll"/>); it goes
    /// to the reward source beside the prompt, never into the policy's input. Null: no references.
    /// </summary>
    public IReadOnlyDictionary<string, string>? References { get; init; }

    /// <summary>For tests only: −1 flips the advantage sign, which must stop the reward from rising.</summary>
    internal double AdvantageSign { get; init; } = 1;

    /// <summary>Trains on the loop (claiming the run directory, or continuing it with <paramref name="resume"/>).</summary>
    public Task<TrainingOutcome> TrainAsync(bool resume, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default) =>
        new TrainingLoop(_config, _run, Sinks).RunAsync(this, resume, progress, cancellationToken);

    public string Name => Stage;

    public nn.Module Model => _models.Policy;

    public int TrainExamples => _prompts.Count;

    public long TotalSteps => _config.TotalSteps;

    public int OptimizerStepsPerStep => _config.NumPpoEpochs * _config.NumMiniBatches;

    public IReadOnlyDictionary<string, nn.Module> CheckpointModules => _checkpointModules;

    // One AdamW over policy and value together, as TRL wraps both in one module (one gradient clip over both).
    public IReadOnlyDictionary<string, OptimizedParameters> Optimizers =>
        new Dictionary<string, OptimizedParameters> { [OptimizerName] = new(_models.TrainableParameters()) };

    // References change the rewards, so they are part of the inputs.
    public string InputFingerprint => Common.InputFingerprint.Of(_config with { PeakFlops = 0 }, _prompts,
        References?.OrderBy(r => r.Key, StringComparer.Ordinal).ToList());

    // Per generated token: sampling and the rollout's policy, reference and value forwards (2 FLOPs per parameter
    // each), then num_ppo_epochs forward and backward passes of policy and value.
    public double FlopsPerToken => 8.0 * _models.Policy.ParameterCount()
        + 2.0 * _config.NumPpoEpochs * ModelFlops.TrainingPerToken(_models.Policy, _config.ResponseLength);

    public IReadOnlyDictionary<string, double> SetupMetrics => new Dictionary<string, double>
    {
        ["parameters"] = _models.Policy.ParameterCount(),
        ["trainable_parameters"] = _models.TrainableParameters().Sum(p => p.numel()),
        ["train_examples"] = _prompts.Count,
    };

    public IReadOnlyDictionary<string, double> ExtraState => new Dictionary<string, double> { [KlCoefKey] = _kl.Value };

    public double EpochAt(long step) => step * (double)_config.BatchSize / _prompts.Count;

    public void Resumed(long step, IReadOnlyDictionary<string, double> extra)
    {
        _kl.Restore(extra[KlCoefKey]);
        Samples.DropAfter(step);
    }

    public EvaluationOutcome? Evaluate(CancellationToken cancellationToken) => null;

    public async Task<StepOutcome> StepAsync(long step, IReadOnlyDictionary<string, Optimization> optimizers, CancellationToken cancellationToken)
    {
        var optimization = optimizers[OptimizerName];
        var prompts = PromptBatches.ForStep(_prompts, _config.BatchSize, _config.Seed, step).Prompts;
        var collector = new RolloutCollector(_models, _config, _reward, new RewardShaping(_config.MissingEosPenalty, _config.RewardClip), References);
        var (rollout, generateSeconds, scoreSeconds) = await collector.CollectAsync(prompts, _kl.Value, GenerationSeed(step), cancellationToken);
        using (rollout)
        {
            var trainTimer = Stopwatch.StartNew();
            var stats = new PpoUpdate(_models, _config, optimization).Run(rollout, step, AdvantageSign, cancellationToken);
            var times = new PhaseTimes(generateSeconds, scoreSeconds, trainTimer.Elapsed.TotalSeconds);
            var metrics = Metrics(rollout, stats, _kl.Value, optimization.CurrentLearningRate, step, times);
            _kl.Update(metrics["objective/kl"], _config.BatchSize);
            if (_config.SampleSteps > 0 && step % _config.SampleSteps == 0) await WriteSamplesAsync(rollout, step, cancellationToken);
            return new StepOutcome(metrics, (long)Math.Round(metrics["val/response_length"] * _config.BatchSize));
        }
    }

    long GenerationSeed(long step) => unchecked(_config.Seed * 1_000_003L + step);

    Dictionary<string, double> Metrics(Rollout rollout, PpoUpdateStats stats, double klCoef, double learningRate, long step, PhaseTimes times)
    {
        double[] objective;
        using (var scope = NewDisposeScope())
        {
            // One device sync for all rollout statistics of the step.
            objective = stack([
                rollout.Kl.sum(1).mean(),
                (-rollout.LogProbs).sum(1).mean(),
                rollout.NonScoreRewards.sum(1).mean(),
                rollout.Scores.mean(),
                rollout.EndedWithEos.to(ScalarType.Float32).sum(),
                rollout.ResponseMask.sum(1).mean(),
            ]).cpu().to(ScalarType.Float64).data<double>().ToArray();
        }
        var metrics = new Dictionary<string, double>
        {
            ["objective/kl"] = objective[0],
            ["objective/entropy"] = objective[1],
            ["objective/non_score_reward"] = objective[2],
            ["objective/rlhf_reward"] = objective[2] + objective[3],
            ["objective/scores"] = objective[3],
            ["objective/kl_coef"] = klCoef,
            ["policy/approxkl_avg"] = stats.ApproxKl,
            ["policy/clipfrac_avg"] = stats.PolicyClipFraction,
            ["policy/entropy_avg"] = stats.Entropy,
            ["loss/policy_avg"] = stats.PolicyLoss,
            ["loss/value_avg"] = stats.ValueLoss,
            ["val/clipfrac_avg"] = stats.ValueClipFraction,
            ["val/ratio"] = stats.RatioMean,
            ["val/ratio_var"] = stats.RatioVariance,
            ["val/num_eos_tokens"] = objective[4],
            ["val/response_length"] = objective[5],
            ["policy/early_stopped"] = stats.StoppedEarly ? 1 : 0,
            ["lr"] = learningRate,
            ["episode"] = step * _config.BatchSize,
            ["time/generate"] = times.Generate,
            ["time/score"] = times.Score,
            ["time/train"] = times.Train,
            ["perf/samples_per_second"] = _config.BatchSize / times.Total,
        };
        if (_reward is WeightedReward weighted)
            foreach (var (name, mean) in weighted.LastPartMeans) metrics[$"reward/{name}"] = mean;
        return metrics;
    }

    Task WriteSamplesAsync(Rollout rollout, long step, CancellationToken cancellationToken) =>
        Samples.AppendAsync(Enumerable.Range(0, Math.Min(_config.NumSamples, rollout.Prompts.Count)).Select(i => (object)new
        {
            step,
            prompt = rollout.Prompts[i],
            completion = rollout.Completions[i],
            score = rollout.ScoreValues[i],
        }), cancellationToken);

    SamplesFile Samples => new(Path.Combine(_run.Path, "samples.jsonl"));

    /// <summary>
    /// final/ holds the policy as a Hugging Face model with its tokenizer, or with LoRA its PEFT adapters (with the
    /// base and, unless merge_adapters is off, the merged model in final/merged: see <see cref="LoraExport"/>), and the
    /// value model in final/value_model as a sequence classifier (trunk + score.weight, Hugging Face layout), which
    /// loads as a reward model and as PpoConfig.ValueModel. Returns the merged model's directory, or null.
    /// </summary>
    public string? Export(string directory, bool final, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        var merged = ModelExport.Save(_models.Policy, _models.Tokenizer, _models.Lora, _models.PolicySource, directory,
            final && _models.Lora is not null && _config.MergeAdapters, cancellationToken);
        if (!final) return merged;
        // A value head on the policy's own layers reads them with the adapters: written out, those are merged in.
        foreach (var (_, layer) in _models.Value.Trunk.Adapters()) layer.Merge();
        var valueDirectory = Path.Combine(directory, ValueModelDirectoryName);
        using (var scope = NewDisposeScope())
            SequenceClassifierDirectory.Save(_models.Value.Trunk, _models.Value.Head.Weight, _models.Tokenizer,
                valueDirectory, cancellationToken: cancellationToken);
        File.WriteAllText(Path.Combine(valueDirectory, "README.md"), ValueModelReadme);
        return merged;
    }

    const string ValueModelReadme = """
        # PPO value model

        The critic trained beside the policy in this run, in transformers' sequence-classification layout: the trunk
        under its usual names (q/k rows in transformers' rotary order), `score.weight` [1, hidden], `num_labels: 1`,
        `pad_token_id`, and the policy's tokenizer. PPO reads a value at every position (`score.weight` · h_t);
        `AutoModelForSequenceClassification` returns the one at the last token that is not the pad. It loads here as
        `value_model:` of a PPO config (to continue training from it) or as a reward model directory.

        """;

    /// <summary>Where final/ keeps the value model.</summary>
    public const string ValueModelDirectoryName = "value_model";
}
