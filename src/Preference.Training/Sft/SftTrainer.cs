using Preference.Models;
using Preference.Models.Tokenization;
using Preference.Training.Common;
using Preference.Training.Data;
using Preference.Training.Estimation;
using TorchSharp;
using static TorchSharp.torch;

namespace Preference.Training.Sft;

/// <summary>
/// Supervised fine-tuning on <see cref="TrainingLoop"/>: this class supplies the model (full, frozen layers or LoRA),
/// one step (the token-weighted next-token loss over the step's micro-batches), the validation loss and perplexity, the
/// forgetting check and the export; the loop does the rest.
/// </summary>
public sealed class SftTrainer(
    SftConfig config, CausalLanguageModel model, ModelTokenizer tokenizer, SftData data, RunDirectory run,
    IEnumerable<IMetricsSink>? extraSinks = null)
{
    public const string Stage = "sft";

    public async Task<SftResult> TrainAsync(bool resume, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        // The base model's own texts come first, before anything changes the model or the RNG.
        var probe = config.ForgettingSamples > 0
            ? ForgettingProbe.Sample(model, tokenizer, config.ForgettingSamples, config.ForgettingMaxTokens, config.Seed, cancellationToken)
            : null;
        torch.manual_seed(config.Seed);
        config.Trainable().Apply(model);

        var stage = new SftStage(config, model, tokenizer, data, probe);
        var outcome = await new TrainingLoop(config, run, extraSinks).RunAsync(stage, resume, progress, cancellationToken);
        return new SftResult
        {
            Steps = outcome.Steps,
            StoppedEarly = outcome.StoppedEarly,
            BestValidationLoss = outcome.BestObjective,
            BestStep = outcome.BestStep,
            FinalValidationLoss = outcome.LastEvaluation?["loss"],
            ForgettingBasePerplexity = probe?.BasePerplexity ?? double.NaN,
            ForgettingPerplexity = stage.ForgettingPerplexity,
            FinalDirectory = outcome.FinalDirectory,
            MergedDirectory = outcome.MergedDirectory,
        };
    }

    sealed class SftStage(SftConfig config, CausalLanguageModel model, ModelTokenizer tokenizer, SftData data, ForgettingProbe? probe)
        : ITrainingStage
    {
        double? _lastEvaluationLoss;

        int PadId => tokenizer.HasPad ? tokenizer.PadId : 0;

        public string Name => Stage;
        public nn.Module Model => model;
        public int TrainExamples => data.Train.Examples.Count;
        public string InputFingerprint => data.Fingerprint;
        public double FlopsPerToken { get; } = ModelFlops.TrainingPerToken(model, config.MaxLength);
        public double ForgettingPerplexity { get; private set; } = double.NaN;

        public IReadOnlyDictionary<string, double> SetupMetrics => new Dictionary<string, double>
        {
            ["parameters"] = model.ParameterCount(),
            ["trainable_parameters"] = model.ParameterCount(trainableOnly: true),
            ["train_examples"] = data.Train.Examples.Count,
            ["validation_examples"] = data.Validation.Examples.Count,
            ["truncated_examples"] = data.Train.Truncated + data.Validation.Truncated,
            ["dropped_examples"] = data.Train.DroppedWithoutTargets + data.Validation.DroppedWithoutTargets,
        };

        public StepOutcome Step(IReadOnlyList<int[]> microBatches, CancellationToken cancellationToken)
        {
            var batches = microBatches.Select(indices => SftBatch.Collate(indices.Select(i => data.Train.Examples[i]).ToList(), PadId, model.Device)).ToList();
            try
            {
                // One mean over every learned token of the step, however the micro-batches split them.
                long learned = Math.Max(1, batches.Sum(b => b.LearnedTokens));
                using var total = zeros(1, dtype: ScalarType.Float32, device: model.Device);
                foreach (var batch in batches)
                {
                    using var scope = NewDisposeScope();
                    var loss = SftLoss.Sum(model, batch) / learned;
                    loss.backward();
                    total.add_(loss.detach());
                }
                return new StepOutcome(new Dictionary<string, double> { ["loss"] = total.item<float>() }, batches.Sum(b => b.Tokens));
            }
            finally
            {
                foreach (var batch in batches) batch.Dispose();
            }
        }

        public EvaluationOutcome? Evaluate(CancellationToken cancellationToken)
        {
            if (data.Validation.Examples.Count == 0) return null;
            double loss = SftLoss.Mean(model, data.Validation.Examples, config.PerDeviceEvalBatchSize, PadId, cancellationToken);
            _lastEvaluationLoss = loss;
            return new EvaluationOutcome(loss, new Dictionary<string, double> { ["loss"] = loss, ["perplexity"] = Math.Exp(loss) });
        }

        public IReadOnlyDictionary<string, double> Finish(CancellationToken cancellationToken)
        {
            if (probe is null) return new Dictionary<string, double>();
            ForgettingPerplexity = probe.Perplexity(model, cancellationToken);
            var values = new Dictionary<string, double>
            {
                ["forgetting/base_perplexity"] = probe.BasePerplexity,
                ["forgetting/perplexity"] = ForgettingPerplexity,
            };
            if (_lastEvaluationLoss is { } evalLoss) values["eval/loss"] = evalLoss;
            return values;
        }

        public string? Export(string directory, bool final, CancellationToken cancellationToken) =>
            ModelExport.Save(model, tokenizer, config.Lora, config.Model, directory, merge: final && config.Lora is not null && config.MergeAdapters,
                cancellationToken);
    }
}
