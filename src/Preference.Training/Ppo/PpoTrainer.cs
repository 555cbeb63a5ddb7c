using System.Diagnostics;
using Preference.Core.Rewards;
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
public sealed class PpoTrainer : OnlineTrainer
{
    public const string Stage = "ppo";
    const string KlCoefKey = "kl_coef";
    const string OptimizerName = "policy_and_value";

    readonly PpoConfig _config;
    readonly PpoModels _models;
    readonly IRewardSource _reward;
    readonly KlController _kl;
    readonly IReadOnlyDictionary<string, nn.Module> _checkpointModules;

    public PpoTrainer(PpoConfig config, PpoModels models, IRewardSource reward, IReadOnlyList<string> prompts, RunDirectory run)
        : base(config, config.Problems(), models.Policy, models.Tokenizer, prompts, run, "response_length", config.ResponseLength)
    {
        (_config, _models, _reward) = (config, models, reward);
        _kl = KlController.For(config);
        _checkpointModules = models.CheckpointModules();
    }

    /// <summary>For tests only: −1 flips the advantage sign, which must stop the reward from rising.</summary>
    internal double AdvantageSign { get; init; } = 1;

    public override string Name => Stage;

    public override long TotalSteps => _config.TotalSteps;

    public override int OptimizerStepsPerStep => _config.NumPpoEpochs * _config.NumMiniBatches;

    protected override int PromptsPerStep => _config.BatchSize;

    public override IReadOnlyDictionary<string, nn.Module> CheckpointModules => _checkpointModules;

    // One AdamW over policy and value together, as TRL wraps both in one module (one gradient clip over both).
    public override IReadOnlyDictionary<string, OptimizedParameters> Optimizers =>
        new Dictionary<string, OptimizedParameters> { [OptimizerName] = new(_models.TrainableParameters()) };

    // Per generated token: sampling and the rollout's policy, reference and value forwards (2 FLOPs per parameter
    // each), then num_ppo_epochs forward and backward passes of policy and value.
    public override double FlopsPerToken => 8.0 * _models.Policy.ParameterCount()
        + 2.0 * _config.NumPpoEpochs * ModelFlops.TrainingPerToken(_models.Policy, _config.ResponseLength);

    protected override long ParameterCount => _models.Policy.ParameterCount()
        + (_models.SharesTrunk ? (nn.Module)_models.Value.Head : _models.Value).parameters().Sum(p => p.numel());

    public override IReadOnlyDictionary<string, double> ExtraState => new Dictionary<string, double> { [KlCoefKey] = _kl.Value };

    public override void Resumed(long step, IReadOnlyDictionary<string, double> extra)
    {
        _kl.Restore(extra[KlCoefKey]);
        base.Resumed(step, extra);
    }

    public override async Task<StepOutcome> StepAsync(long step, IReadOnlyDictionary<string, Optimization> optimizers, CancellationToken cancellationToken)
    {
        var optimization = optimizers[OptimizerName];
        var prompts = PromptsOf(step);
        var collector = new RolloutCollector(_models, _config, _reward, new RewardShaping(_config.MissingEosPenalty, _config.RewardClip), References);
        var (rollout, generateSeconds, scoreSeconds) = await collector.CollectAsync(prompts, _kl.Value, GenerationSeed(step), cancellationToken);
        using (rollout)
        {
            var trainTimer = Stopwatch.StartNew();
            var stats = new PpoUpdate(_models, _config, optimization).Run(rollout, step, AdvantageSign, cancellationToken);
            var times = new PhaseTimes(generateSeconds, scoreSeconds, trainTimer.Elapsed.TotalSeconds);
            var metrics = Metrics(rollout, stats, _kl.Value, optimization.CurrentLearningRate, step, times);
            _kl.Update(metrics["objective/kl"], _config.BatchSize);
            await WriteSamplesAsync(step, rollout.Prompts, rollout.Completions, i => rollout.ScoreValues[i], cancellationToken);
            return new StepOutcome(metrics, (long)Math.Round(metrics["val/response_length"] * _config.BatchSize));
        }
    }

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

    /// <summary>
    /// final/ holds the policy as a Hugging Face model with its tokenizer, or with LoRA its PEFT adapters (with the
    /// base and, unless merge_adapters is off, the merged model in final/merged: see <see cref="LoraExport"/>), and the
    /// value model in final/value_model as a sequence classifier (trunk + score.weight, Hugging Face layout), which
    /// loads as a reward model and as PpoConfig.ValueModel. Returns the merged model's directory, or null.
    /// </summary>
    public override string? Export(string directory, bool final, CancellationToken cancellationToken)
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
