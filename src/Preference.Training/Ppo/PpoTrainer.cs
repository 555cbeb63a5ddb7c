using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Preference.Core.Rewards;
using Preference.Models.Heads;
using Preference.Models.Lora;
using Preference.Models.Loading;
using Preference.Training.Common;
using Preference.Training.Rewards;
using TorchSharp;
using static TorchSharp.torch;

namespace Preference.Training.Ppo;

/// <summary>
/// PPO for language models as TRL's PPOTrainer does it: each step samples a batch of responses, scores them, shapes
/// per-token rewards with a KL penalty to the frozen reference, estimates advantages with GAE and runs clipped
/// policy/value updates. Checkpoints hold policy, value model, optimizer, KL coefficient, RNG and step, and every
/// random choice derives from (seed, step), so a killed run resumes to the same numbers.
/// </summary>
public sealed class PpoTrainer
{
    public const string Stage = "ppo";
    const string KlCoefKey = "kl_coef";

    readonly PpoConfig _config;
    readonly PpoModels _models;
    readonly IRewardSource _reward;
    readonly IReadOnlyList<string> _prompts;
    readonly RunDirectory _run;

    public PpoTrainer(PpoConfig config, PpoModels models, IRewardSource reward, IReadOnlyList<string> prompts, RunDirectory run)
    {
        if (config.Problems().FirstOrDefault(p => !p.StartsWith("prompts", StringComparison.Ordinal)) is { } problem)
            throw new ArgumentException(problem);
        if (prompts.Count == 0) throw new ArgumentException("prompts: no training prompts");
        int longest = prompts.Max(p => models.Tokenizer.Encode(p, addBos: true).Count);
        if (longest + config.ResponseLength > models.Policy.Shape.MaxPositions)
            throw new ArgumentException($"response_length: the longest prompt ({longest} tokens) plus {config.ResponseLength} new tokens exceeds the model's context of {models.Policy.Shape.MaxPositions}");
        (_config, _models, _reward, _prompts, _run) = (config, models, reward, prompts, run);
    }

    /// <summary>Extra places metrics go besides metrics.jsonl (the server's training channel, a console table).</summary>
    public IReadOnlyList<IMetricsSink> Sinks { get; init; } = [];

    public IProgress<TrainingProgress>? Progress { get; init; }

    /// <summary>
    /// Prompt → reference answer for reference-guided reward models (<see cref="PromptFile.ReadReferences"/>); it goes
    /// to the reward source beside the prompt, never into the policy's input. Null: no references.
    /// </summary>
    public IReadOnlyDictionary<string, string>? References { get; init; }

    /// <summary>For tests only: −1 flips the advantage sign, which must stop the reward from rising.</summary>
    internal double AdvantageSign { get; init; } = 1;

    /// <summary>Stop after this step even though the run has more (simulates a kill in tests). Null runs to the end.</summary>
    public long? StopAfterStep { get; init; }

    public async Task<PpoResult> TrainAsync(bool resume, CancellationToken cancellationToken = default)
    {
        var checkpoints = _run.Checkpoints(_config.SaveTotalLimit);
        var parameters = _models.TrainableParameters().ToList();
        using var optimization = new Optimization(parameters, _config.Optimizer,
            (long)_config.TotalSteps * _config.NumPpoEpochs * _config.NumMiniBatches);
        var modules = _models.CheckpointModules();
        var optimizers = new Dictionary<string, Optimization> { ["policy_and_value"] = optimization };
        var kl = KlController.For(_config);
        string fingerprint = Fingerprint();

        var state = new TrainerState { Stage = Stage, Seed = _config.Seed, InputFingerprint = fingerprint };
        long? resumedFrom = null;
        if (resume && checkpoints.Latest() is { } latest)
        {
            var saved = CheckpointStore.ReadState(latest);
            if (saved.InputFingerprint != fingerprint)
                throw new ArgumentException($"{latest}: the config or prompts changed since this run started; start a new output directory or restore them to resume");
            state = CheckpointStore.Restore(latest, modules, optimizers);
            kl.Restore(state.Extra[KlCoefKey]);
            resumedFrom = state.Step;
            Samples.DropAfter(state.Step);
        }
        else
        {
            _run.WriteEnvironment(_models.Policy.Device.ToString(), _config.Seed);
        }

        var metricsSink = new MetricsFanOut([new JsonlMetricsSink(_run.MetricsFile, resumedFrom), .. Sinks]);
        var collector = new RolloutCollector(_models, _config, _reward, new RewardShaping(_config.MissingEosPenalty, _config.RewardClip), References);
        var update = new PpoUpdate(_models, _config, optimization);
        var elapsed = Stopwatch.StartNew();
        IReadOnlyDictionary<string, double> last = new Dictionary<string, double>();
        long total = _config.TotalSteps, end = Math.Min(total, StopAfterStep ?? total);

        for (long step = state.Step + 1; step <= end; step++)
        {
            var (epoch, prompts) = PromptBatches.ForStep(_prompts, _config.BatchSize, _config.Seed, step);
            var (rollout, generateSeconds, scoreSeconds) = await collector.CollectAsync(prompts, kl.Value, GenerationSeed(step), cancellationToken);
            using (rollout)
            {
                var trainTimer = Stopwatch.StartNew();
                var stats = update.Run(rollout, step, AdvantageSign, cancellationToken);
                var times = new PhaseTimes(generateSeconds, scoreSeconds, trainTimer.Elapsed.TotalSeconds);
                last = Metrics(rollout, stats, kl.Value, optimization.CurrentLearningRate, step, times);
                kl.Update(last["objective/kl"], _config.BatchSize);
                await metricsSink.WriteAsync(new MetricsRecord(Stage, step, last), cancellationToken);
                if (_config.SampleSteps > 0 && step % _config.SampleSteps == 0) await WriteSamplesAsync(rollout, step, cancellationToken);
            }

            state = state with
            {
                Step = step,
                Epoch = epoch,
                Extra = new Dictionary<string, double> { [KlCoefKey] = kl.Value },
            };
            if (step % _config.SaveSteps == 0 || step == total) checkpoints.Save(state, modules, optimizers);
            Progress?.Report(new TrainingProgress(Stage, step, total, last,
                (step - (resumedFrom ?? 0)) * _config.BatchSize * (double)_config.ResponseLength / elapsed.Elapsed.TotalSeconds, elapsed.Elapsed));
        }

        if (state.Step != total) return new PpoResult(state.Step, null, last);
        var (model, adapters) = SaveFinal(_run.FinalModelDirectory, cancellationToken);
        return new PpoResult(state.Step, model, last, adapters);
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
    /// loads as a reward model and as PpoConfig.ValueModel. Returns (model, adapters) directories.
    /// </summary>
    (string Model, string? Adapters) SaveFinal(string directory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        var merged = ModelExport.Save(_models.Policy, _models.Tokenizer, _models.Lora, _models.PolicySource, directory,
            _models.Lora is not null && _config.MergeAdapters, cancellationToken);
        (string Model, string? Adapters) result = (merged ?? directory, _models.Lora is null ? null : directory);
        // A value head on the policy's own layers reads them with the adapters: written out, those are merged in.
        foreach (var (_, layer) in _models.Value.Trunk.Adapters()) layer.Merge();
        var valueDirectory = Path.Combine(directory, ValueModelDirectoryName);
        using (var scope = NewDisposeScope())
            SequenceClassifierDirectory.Save(_models.Value.Trunk, _models.Value.Head.Weight, _models.Tokenizer,
                valueDirectory, cancellationToken: cancellationToken);
        File.WriteAllText(Path.Combine(valueDirectory, "README.md"), ValueModelReadme);
        return result;
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

    string Fingerprint()
    {
        // References change the rewards, so they are part of the inputs; without them the fingerprint is the one older runs have.
        var json = References is null
            ? JsonSerializer.Serialize(new { config = _config, prompts = _prompts })
            : JsonSerializer.Serialize(new { config = _config, prompts = _prompts, references = References.OrderBy(r => r.Key, StringComparer.Ordinal).ToList() });
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(json)))[..16];
    }
}
