using Preference.Models;
using Preference.Models.Lora;
using Preference.Models.Tokenization;
using Preference.Training.Common;
using Preference.Training.Data;
using Preference.Training.Estimation;
using TorchSharp;
using static TorchSharp.torch;

namespace Preference.Training.Dpo;

/// <summary>
/// Offline preference optimisation on <see cref="TrainingLoop"/>: DPO and its pairwise relatives, or KTO on labelled
/// completions. The reference is the frozen starting model: with LoRA the policy itself with its adapters off (no
/// second copy), otherwise a separate frozen copy, or log-probs computed once before training
/// (precompute_ref_log_probs). Metrics carry TRL's names: loss, rewards/chosen, rewards/rejected, rewards/accuracies,
/// rewards/margins, logps/chosen, logps/rejected (and kl for KTO).
/// </summary>
public sealed class DpoTrainer
{
    public const string Stage = "dpo";
    public const string KtoStage = "kto";

    readonly DpoConfig _config;
    readonly CausalLanguageModel _model;
    readonly ModelTokenizer _tokenizer;
    readonly CausalLanguageModel? _reference;
    readonly PreferenceData _data;
    readonly RunDirectory _run;
    readonly IEnumerable<IMetricsSink>? _sinks;
    readonly int _padId;

    /// <param name="reference">A frozen copy of the starting model; required only when <see cref="DpoConfig.NeedsReferenceModel"/>.</param>
    public DpoTrainer(DpoConfig config, CausalLanguageModel model, ModelTokenizer tokenizer, PreferenceData data, RunDirectory run,
        CausalLanguageModel? reference = null, IEnumerable<IMetricsSink>? extraSinks = null)
    {
        if (config.NeedsReferenceModel() && reference is null)
            throw new ArgumentException("full or frozen-layer training needs a frozen reference model, or precompute_ref_log_probs: true", nameof(reference));
        _config = config;
        _model = model;
        _tokenizer = tokenizer;
        _reference = config.NeedsReferenceModel() ? reference : null;
        _data = data;
        _run = run;
        _sinks = extraSinks;
        _padId = tokenizer.HasPad ? tokenizer.PadId : 0;
    }

    public string StageName => _config.Loss == PreferenceLossType.Kto ? KtoStage : Stage;

    public async Task<TrainingOutcome> TrainAsync(bool resume, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        torch.manual_seed(_config.Seed);
        _config.Trainable().Apply(_model);
        if (_reference is not null)
        {
            foreach (var parameter in _reference.parameters()) parameter.requires_grad = false;
            _reference.eval();
        }
        // Before the loop restores a checkpoint: the model still holds the starting weights, which are the reference.
        var precomputed = _config.PrecomputeRefLogProbs && PreferenceLoss.NeedsReference(_config.Loss)
            ? Precompute(cancellationToken)
            : null;
        var stage = new LoopStage(this, precomputed);
        return await new TrainingLoop(_config, _run, _sinks).RunAsync(stage, resume, progress, cancellationToken);
    }

    /// <summary>Summed log-probs of each batch row's completion under the reference, without gradients.</summary>
    Tensor ReferenceSums(SftBatch batch)
    {
        using var noGrad = no_grad();
        if (_reference is not null) return SequenceLogProbs.Compute(_reference, batch).Sum;
        if (_config.Lora is not null)
        {
            using (_model.DisabledAdapters()) return SequenceLogProbs.Compute(_model, batch).Sum;
        }
        // Precomputing with full fine-tuning: the policy has not moved yet, so it is the reference.
        return SequenceLogProbs.Compute(_model, batch).Sum;
    }

    /// <summary>The reference's summed log-probs of every chosen and rejected completion (train then validation).</summary>
    sealed record ReferenceTable(float[] TrainChosen, float[] TrainRejected, float[] ValidationChosen, float[] ValidationRejected);

    ReferenceTable Precompute(CancellationToken cancellationToken)
    {
        bool wasTraining = _model.training;
        _model.eval();
        try
        {
            (float[], float[]) Of(IReadOnlyList<PreferenceExample> pairs)
            {
                var chosen = new List<float>(pairs.Count);
                var rejected = new List<float>(pairs.Count);
                foreach (var chunk in pairs.Chunk(_config.PerDeviceEvalBatchSize))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    using var scope = NewDisposeScope();
                    using var batch = PairBatch(chunk);
                    var sums = ReferenceSums(batch).cpu().data<float>().ToArray();
                    chosen.AddRange(sums[..chunk.Length]);
                    rejected.AddRange(sums[chunk.Length..]);
                }
                return ([.. chosen], [.. rejected]);
            }
            var (trainChosen, trainRejected) = Of(_data.TrainPairs);
            var (validationChosen, validationRejected) = Of(_data.ValidationPairs);
            return new ReferenceTable(trainChosen, trainRejected, validationChosen, validationRejected);
        }
        finally
        {
            _model.train(wasTraining);
        }
    }

    /// <summary>Chosen rows first, then rejected rows, in one right-padded batch.</summary>
    SftBatch PairBatch(IReadOnlyList<PreferenceExample> pairs) =>
        SftBatch.Collate([.. pairs.Select(p => p.Chosen.ToExample()), .. pairs.Select(p => p.Rejected.ToExample())], _padId, _model.Device);

    // Statistics summed over a step's pairs (or rows), in this order; divided once at the end so the step reads one
    // tensor back instead of one number per micro-batch.
    static readonly string[] PairStatistics = ["loss", "rewards/chosen", "rewards/rejected", "rewards/accuracies", "rewards/margins", "logps/chosen", "logps/rejected"];

    /// <summary>The pairwise loss of a batch of pairs, summed; and the [7] summed statistics.</summary>
    (Tensor LossSum, Tensor Statistics) PairLoss(IReadOnlyList<PreferenceExample> pairs, SftBatch batch, float[]? referenceChosen,
        float[]? referenceRejected)
    {
        int n = pairs.Count;
        var type = _config.Loss;
        bool mean = PreferenceLoss.UsesMeanLogProbs(type);
        var (sums, tokens) = SequenceLogProbs.Compute(_model, batch);
        var policy = mean ? sums / tokens : sums;
        Tensor? reference = null;
        if (PreferenceLoss.NeedsReference(type))
        {
            var referenceSums = referenceChosen is not null
                ? tensor([.. referenceChosen, .. referenceRejected!], device: _model.Device)
                : ReferenceSums(batch);
            reference = mean ? referenceSums / tokens : referenceSums;
        }
        Tensor? tie = pairs.Any(p => p.Tie) ? tensor(pairs.Select(p => p.Tie ? 1f : 0f).ToArray(), device: _model.Device) : null;
        Tensor? margin = _config.UseMargins ? tensor(pairs.Select(p => (float)p.Margin).ToArray(), device: _model.Device) : null;
        var policyChosen = policy[..n];
        var policyRejected = policy[n..];
        var (losses, chosenRewards, rejectedRewards) = PreferenceLoss.Compute(type, policyChosen, policyRejected,
            reference?[..n], reference?[n..], _config.Beta, _config.LabelSmoothing, _config.SimpoGamma, tie, margin);
        var lossSum = losses.sum();
        if (type == PreferenceLossType.Simpo && _config.CpoAlpha > 0)
        {
            // CPO's behaviour-cloning term: the chosen completions' per-token NLL, weighted like one more loss per pair.
            var nll = -sums[..n].sum() / tokens[..n].sum();
            lossSum = lossSum + _config.CpoAlpha * nll * n;
        }
        var statistics = stack([
            lossSum.detach(), chosenRewards.sum(), rejectedRewards.sum(), chosenRewards.gt(rejectedRewards).to(ScalarType.Float32).sum(),
            (chosenRewards - rejectedRewards).sum(), policyChosen.detach().sum(), policyRejected.detach().sum(),
        ]);
        return (lossSum, statistics);
    }

    // KTO: sums of loss, desirable rewards, undesirable rewards, desirable logps, undesirable logps, and kl × rows.
    static readonly string[] LabeledStatistics = ["loss", "rewards/chosen", "rewards/rejected", "logps/chosen", "logps/rejected", "kl"];

    (Tensor LossSum, Tensor Statistics) LabeledLoss(IReadOnlyList<LabeledExample> rows)
    {
        int n = rows.Count;
        var device = _model.Device;
        using var batch = SftBatch.Collate(rows.Select(r => r.Tokens.ToExample()).ToList(), _padId, device);
        // The KL estimate z₀ pairs each prompt with the previous row's completion (TRL's mismatched pairs), without gradients.
        using var mismatched = SftBatch.Collate(rows.Select((r, i) => rows[(i + n - 1) % n].Tokens.After(r.Tokens.Prompt)).ToList(), _padId, device);
        Tensor kl;
        using (no_grad())
        {
            var policyMismatched = SequenceLogProbs.Compute(_model, mismatched).Sum;
            kl = (policyMismatched - ReferenceSums(mismatched)).mean().clamp_min(0);
        }
        var policy = SequenceLogProbs.Compute(_model, batch).Sum;
        var reference = ReferenceSums(batch);
        var desirable = tensor(rows.Select(r => r.Desirable).ToArray(), device: device);
        var (losses, rewards) = PreferenceLoss.Kto(policy, reference, desirable, kl, _config.Beta, _config.DesirableWeight, _config.UndesirableWeight);
        var up = desirable.to(ScalarType.Float32);
        var down = 1 - up;
        var lossSum = losses.sum();
        var statistics = stack([
            lossSum.detach(), (rewards * up).sum(), (rewards * down).sum(), (policy.detach() * up).sum(), (policy.detach() * down).sum(), kl * n,
        ]);
        return (lossSum, statistics);
    }

    /// <summary>Turns summed statistics into means: per pair, or for KTO per desirable / undesirable row.</summary>
    static Dictionary<string, double> Means(string[] names, float[] sums, int rows, int desirable)
    {
        var values = new Dictionary<string, double>();
        for (int i = 0; i < names.Length; i++)
        {
            double count = names[i] switch
            {
                "rewards/chosen" or "logps/chosen" when desirable >= 0 => desirable,
                "rewards/rejected" or "logps/rejected" when desirable >= 0 => rows - desirable,
                _ => rows,
            };
            values[names[i]] = count == 0 ? double.NaN : sums[i] / count;
        }
        if (desirable >= 0) values["rewards/margins"] = values["rewards/chosen"] - values["rewards/rejected"];
        return values;
    }

    sealed class LoopStage(DpoTrainer trainer, ReferenceTable? precomputed) : ITrainingStage
    {
        readonly DpoConfig _config = trainer._config;
        readonly PreferenceData _data = trainer._data;
        bool Kto => _config.Loss == PreferenceLossType.Kto;

        public string Name => trainer.StageName;
        public nn.Module Model => trainer._model;
        public int TrainExamples => _data.TrainCount;
        public string InputFingerprint => _data.Fingerprint;

        // A reference forward costs a third of a training step's FLOPs per token.
        public double FlopsPerToken { get; } = ModelFlops.TrainingPerToken(trainer._model, trainer._config.MaxLength)
                                               + (PreferenceLoss.NeedsReference(trainer._config.Loss) && precomputed is null ? 2.0 * trainer._model.ParameterCount() : 0);

        public IReadOnlyDictionary<string, double> SetupMetrics => new Dictionary<string, double>
        {
            ["parameters"] = trainer._model.ParameterCount(),
            ["trainable_parameters"] = trainer._model.ParameterCount(trainableOnly: true),
            ["train_examples"] = _data.TrainCount,
            ["validation_examples"] = _data.ValidationCount,
            ["truncated_examples"] = _data.Truncated,
            ["dropped_examples"] = _data.Dropped,
        };

        public StepOutcome Step(IReadOnlyList<int[]> microBatches, CancellationToken cancellationToken)
        {
            int rows = microBatches.Sum(b => b.Length);
            Tensor? total = null;
            long tokens = 0;
            int desirable = -1;
            foreach (var indices in microBatches)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                Tensor lossSum, statistics;
                if (Kto)
                {
                    var batchRows = indices.Select(i => _data.TrainLabeled[i]).ToList();
                    desirable = Math.Max(desirable, 0) + batchRows.Count(r => r.Desirable);
                    tokens += batchRows.Sum(r => (long)r.Tokens.Length);
                    (lossSum, statistics) = trainer.LabeledLoss(batchRows);
                }
                else
                {
                    var pairs = indices.Select(i => _data.TrainPairs[i]).ToList();
                    tokens += pairs.Sum(p => (long)p.Chosen.Length + p.Rejected.Length);
                    using var batch = trainer.PairBatch(pairs);
                    (lossSum, statistics) = trainer.PairLoss(pairs, batch,
                        precomputed is null ? null : indices.Select(i => precomputed.TrainChosen[i]).ToArray(),
                        precomputed is null ? null : indices.Select(i => precomputed.TrainRejected[i]).ToArray());
                }
                // One mean over every pair of the step, however the micro-batches split them.
                (lossSum / rows).backward();
                if (total is null) total = statistics.detach().MoveToOuterDisposeScope();
                else total.add_(statistics.detach());
            }
            using (total)
            {
                var sums = total!.cpu().data<float>().ToArray();
                return new StepOutcome(Means(Kto ? LabeledStatistics : PairStatistics, sums, rows, desirable), tokens);
            }
        }

        public EvaluationOutcome? Evaluate(CancellationToken cancellationToken)
        {
            if (_data.ValidationCount == 0) return null;
            using var noGrad = no_grad();
            Tensor? total = null;
            int rows = _data.ValidationCount, desirable = Kto ? _data.ValidationLabeled.Count(r => r.Desirable) : -1;
            int batchSize = Math.Max(_config.PerDeviceEvalBatchSize, Kto ? 2 : 1);
            for (int start = 0; start < rows; start += batchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                int count = Math.Min(batchSize, rows - start);
                Tensor statistics;
                if (Kto)
                {
                    statistics = trainer.LabeledLoss(_data.ValidationLabeled.Skip(start).Take(count).ToList()).Statistics;
                }
                else
                {
                    var pairs = _data.ValidationPairs.Skip(start).Take(count).ToList();
                    using var batch = trainer.PairBatch(pairs);
                    statistics = trainer.PairLoss(pairs, batch,
                        precomputed?.ValidationChosen[start..(start + count)], precomputed?.ValidationRejected[start..(start + count)]).Statistics;
                }
                if (total is null) total = statistics.MoveToOuterDisposeScope();
                else total.add_(statistics);
            }
            using (total)
            {
                var values = Means(Kto ? LabeledStatistics : PairStatistics, total!.cpu().data<float>().ToArray(), rows, desirable);
                return new EvaluationOutcome(values["loss"], values);
            }
        }

        public string? Export(string directory, bool final, CancellationToken cancellationToken) =>
            ModelExport.Save(trainer._model, trainer._tokenizer, _config.Lora, _config.Model, directory,
                merge: final && _config.Lora is not null && _config.MergeAdapters, cancellationToken);
    }
}
