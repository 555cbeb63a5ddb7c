using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Preference.Core.Rewards;
using Preference.Training.Common;
using Preference.Training.Ppo;
using static TorchSharp.torch;

namespace Preference.Training.Grpo;

/// <summary>
/// Critic-free online RL as TRL's GRPOTrainer does it (and RLOO / REINFORCE++ by their advantage estimators): each
/// step samples num_generations completions per prompt, scores them, turns each group's rewards into advantages,
/// and takes num_iterations clipped policy-gradient steps on the batch. No value model is trained or held; the
/// reference only exists when β > 0. Checkpoints hold the policy (or its adapters), optimizer, RNG and step, and every
/// random choice derives from (seed, step), so a stopped run resumes to the same numbers.
/// </summary>
public sealed class GrpoTrainer
{
    public const string Stage = "grpo";

    /// <summary>Above this fraction of zero-spread groups or truncated completions a step says it is unlikely to learn.</summary>
    public const double WarningFraction = 0.5;

    readonly GrpoConfig _config;
    readonly GrpoModels _models;
    readonly IRewardSource _reward;
    readonly IReadOnlyList<string> _prompts;
    readonly RunDirectory _run;

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
    }

    /// <summary>Extra places metrics go besides metrics.jsonl (the server's training channel, a console table).</summary>
    public IReadOnlyList<IMetricsSink> Sinks { get; init; } = [];

    public IProgress<TrainingProgress>? Progress { get; init; }

    /// <summary>Where the no-learning warnings go (most groups without reward spread, most completions truncated).</summary>
    public TextWriter? Warnings { get; init; }

    /// <summary>Prompt → reference answer handed to the reward sources beside the prompt; null: no references.</summary>
    public IReadOnlyDictionary<string, string>? References { get; init; }

    /// <summary>Prompt → the other fields of its .jsonl line (<see cref="PromptFile.ReadFields"/>), handed to the reward
    /// sources as TRL passes extra dataset columns; null: none.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, JsonElement>>? PromptFields { get; init; }

    /// <summary>Stop after this step even though the run has more (simulates a kill in tests). Null runs to the end.</summary>
    public long? StopAfterStep { get; init; }

    public async Task<GrpoResult> TrainAsync(bool resume, CancellationToken cancellationToken = default)
    {
        var checkpoints = _run.Checkpoints(_config.SaveTotalLimit);
        using var optimization = new Optimization(_models.TrainableParameters(), _config.Optimizer, (long)_config.MaxSteps * _config.NumIterations);
        var modules = _models.CheckpointModules();
        var optimizers = new Dictionary<string, Optimization> { ["policy"] = optimization };
        string fingerprint = Fingerprint();
        var samples = new SamplesFile(Path.Combine(_run.Path, "samples.jsonl"));

        var state = new TrainerState { Stage = Stage, Seed = _config.Seed, InputFingerprint = fingerprint };
        long? resumedFrom = null;
        if (resume && checkpoints.Latest() is { } latest)
        {
            if (CheckpointStore.ReadState(latest).InputFingerprint != fingerprint)
                throw new ArgumentException($"{latest}: the config or prompts changed since this run started; start a new output directory or restore them to resume");
            state = CheckpointStore.Restore(latest, modules, optimizers);
            resumedFrom = state.Step;
            samples.DropAfter(state.Step);
        }
        else
        {
            _run.WriteEnvironment(_models.Policy.Device.ToString(), _config.Seed);
        }

        var metricsSink = new MetricsFanOut([new JsonlMetricsSink(_run.MetricsFile, resumedFrom), .. Sinks]);
        var collector = new GroupRolloutCollector(_models, _config, _reward, References, PromptFields);
        var update = new GrpoUpdate(_models, _config, optimization);
        var warnings = new NoLearningWarnings(Warnings);
        var elapsed = Stopwatch.StartNew();
        IReadOnlyDictionary<string, double> last = new Dictionary<string, double>();
        long total = _config.MaxSteps, end = Math.Min(total, StopAfterStep ?? total);

        for (long step = state.Step + 1; step <= end; step++)
        {
            var (epoch, prompts) = PromptBatches.ForStep(_prompts, _config.PromptsPerStep, _config.Seed, step);
            var (rollout, generateSeconds, scoreSeconds) = await collector.CollectAsync(prompts, GenerationSeed(step), cancellationToken);
            using (rollout)
            {
                var trainTimer = Stopwatch.StartNew();
                var stats = update.Run(rollout, step, cancellationToken);
                var times = new PhaseTimes(generateSeconds, scoreSeconds, trainTimer.Elapsed.TotalSeconds);
                last = GrpoMetrics.Of(rollout, stats, _reward, _config, step, times);
                warnings.Check(step, last);
                if (step % _config.LoggingSteps == 0 || step == end) await metricsSink.WriteAsync(new MetricsRecord(Stage, step, last), cancellationToken);
                if (_config.SampleSteps > 0 && step % _config.SampleSteps == 0)
                    await samples.AppendAsync(Enumerable.Range(0, Math.Min(_config.NumSamples, rollout.Prompts.Count)).Select(i => (object)new
                    {
                        step,
                        prompt = rollout.Prompts[i],
                        completion = rollout.Completions[i],
                        score = rollout.Rewards[i / _config.NumGenerations, i % _config.NumGenerations],
                    }), cancellationToken);
            }

            state = state with { Step = step, Epoch = epoch };
            if (step % _config.SaveSteps == 0 || step == total) checkpoints.Save(state, modules, optimizers);
            Progress?.Report(new TrainingProgress(Stage, step, total, last,
                (step - (resumedFrom ?? 0)) * _config.GenerationBatchSize * (double)_config.MaxCompletionLength / elapsed.Elapsed.TotalSeconds, elapsed.Elapsed));
        }

        if (state.Step != total) return new GrpoResult(state.Step, null, last);
        var final = _run.FinalModelDirectory;
        var merged = ModelExport.Save(_models.Policy, _models.Tokenizer, _models.Lora, _models.PolicySource, final,
            _models.Lora is not null && _config.MergeAdapters, cancellationToken);
        var (model, adapters) = (merged ?? final, _models.Lora is null ? null : final);
        return new GrpoResult(state.Step, model, last, adapters);
    }

    long GenerationSeed(long step) => unchecked(_config.Seed * 1_000_003L + step);

    string Fingerprint()
    {
        var json = JsonSerializer.Serialize(new
        {
            config = _config,
            prompts = _prompts,
            references = References?.OrderBy(r => r.Key, StringComparer.Ordinal).ToList(),
            fields = PromptFields?.OrderBy(f => f.Key, StringComparer.Ordinal)
                .Select(f => new { prompt = f.Key, fields = f.Value.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => $"{v.Key}={v.Value.GetRawText()}") })
                .ToList(),
        });
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(json)))[..16];
    }

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
