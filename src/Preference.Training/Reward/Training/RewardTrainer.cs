using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Preference.Training.Common;
using Preference.Training.Estimation;
using Preference.Training.Reward.Data;
using Preference.Training.Reward.Export;
using Preference.Training.Reward.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Preference.Training.Reward.Training;

/// <summary>
/// Bradley–Terry reward-model training on <see cref="TrainingLoop"/>: this class supplies the network (with frozen
/// layers as <see cref="RewardConfig.Trainable"/> says), one step (chosen and rejected in one forward pass, the pairwise
/// loss), validation loss and accuracy (the objective: higher is better, so early stopping and best/ follow accuracy)
/// and the export as a Hugging Face sequence-classification directory. The final model is the best validation step's:
/// before the final export the weights in best/ are loaded back and the reward statistics PPO normalises with are
/// measured on the training completions. The loop does the rest (run directory, resume, metrics, checkpoints).
/// </summary>
public sealed class RewardTrainer(
    RewardConfig config, RewardModel model, IReadOnlyList<RewardPair> train, IReadOnlyList<RewardPair> validation, RunDirectory run,
    IEnumerable<IMetricsSink>? extraSinks = null)
{
    public const string Stage = "rm";

    public async Task<RewardTrainingResult> TrainAsync(bool resume, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        if (train.Count == 0) throw new ArgumentException("no training pairs");
        if (validation.Count == 0) throw new ArgumentException("no validation pairs: the kept step is chosen on validation (raise validation_fraction)");
        var clock = Stopwatch.StartNew();
        config.Trainable().Apply(model.Network.Trunk);
        var stage = new RewardStage(config, model, train, EncodedPair.Encode(train, model.Window), EncodedPair.Encode(validation, model.Window),
            run.BestModelDirectory);
        var outcome = await new TrainingLoop(config, run, extraSinks).RunAsync(stage, resume, progress, cancellationToken);
        var kept = stage.Kept ?? throw new InvalidOperationException("the final model was never evaluated");
        return new RewardTrainingResult
        {
            Steps = outcome.Steps,
            BestStep = outcome.BestStep,
            ValidationAccuracy = kept.Metrics["accuracy"],
            ValidationLoss = kept.Metrics["loss"],
            StoppedEarly = outcome.StoppedEarly,
            TruncatedTrainPairs = stage.TruncatedTrainPairs,
            TrainPairs = train.Count,
            Elapsed = clock.Elapsed,
            FinalDirectory = outcome.FinalDirectory,
        };
    }

    sealed class RewardStage(
        RewardConfig config, RewardModel model, IReadOnlyList<RewardPair> trainPairs, IReadOnlyList<EncodedPair> train,
        IReadOnlyList<EncodedPair> validation, string bestDirectory) : ITrainingStage
    {
        public string Name => Stage;
        public nn.Module Model => model.Network;
        public int TrainExamples => train.Count;
        public string InputFingerprint { get; } = Fingerprint(config, train, validation);
        public double FlopsPerToken { get; } = ModelFlops.TrainingPerToken(model.Network.Trunk, config.MaxLength);
        public bool HigherIsBetter => config.MetricForBestModel == BestModelMetric.Accuracy;
        public int TruncatedTrainPairs { get; } = train.Count(p => p.Truncated);

        /// <summary>The validation of the model the final export holds (the best step's), once the run has finished.</summary>
        public EvaluationOutcome? Kept { get; private set; }

        public IReadOnlyDictionary<string, double> SetupMetrics => new Dictionary<string, double>
        {
            ["parameters"] = model.Network.parameters().Sum(p => p.numel()),
            ["trainable_parameters"] = model.Network.parameters().Where(p => p.requires_grad).Sum(p => p.numel()),
            ["train_examples"] = train.Count,
            ["validation_examples"] = validation.Count,
            ["truncated_examples"] = TruncatedTrainPairs + validation.Count(p => p.Truncated),
        };

        public StepOutcome Step(IReadOnlyList<int[]> microBatches, CancellationToken cancellationToken)
        {
            // Each micro-batch's mean loss counts by its share of the step's pairs, so accumulation gives the step's mean.
            int pairs = microBatches.Sum(b => b.Length);
            var differences = new List<float>(pairs);
            var rewards = new List<float>(2 * pairs);
            long tokens = 0;
            using var total = zeros(1, dtype: ScalarType.Float32, device: model.Device);
            foreach (var indices in microBatches)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var batch = indices.Select(i => train[i]).ToList();
                tokens += batch.Sum(p => (long)p.Chosen.Ids.Length + p.Rejected.Ids.Length);
                var scores = Forward(batch);
                var (chosen, rejected) = (scores[..batch.Count], scores[batch.Count..]);
                var (margin, weight, tie) = Targets(batch);
                var loss = BradleyTerryLoss.Compute(chosen, rejected, margin, weight, tie, config.LabelSmoothing, config.CenteringCoefficient)
                           * ((double)batch.Count / pairs);
                loss.backward();
                total.add_(loss.detach());
                differences.AddRange((chosen - rejected).detach().cpu().data<float>().ToArray());
                rewards.AddRange(scores.detach().cpu().data<float>().ToArray());
            }
            double mean = rewards.Average();
            double std = rewards.Count < 2 ? 0 : Math.Sqrt(rewards.Sum(r => (r - mean) * (r - mean)) / (rewards.Count - 1));
            return new StepOutcome(new Dictionary<string, double>
            {
                ["loss"] = total.item<float>(),
                ["accuracy"] = differences.Count(d => d > 0) / (double)differences.Count,
                ["margin"] = differences.Average(),
                ["rewards/mean"] = mean,
                ["rewards/std"] = std,
            }, tokens);
        }

        /// <summary>Mean validation loss (plain Bradley–Terry, no centering or smoothing) and accuracy on strict pairs.</summary>
        public EvaluationOutcome Evaluate(CancellationToken cancellationToken)
        {
            double lossSum = 0, weightSum = 0, correct = 0;
            int strict = 0;
            using var noGrad = no_grad();
            foreach (var chunk in validation.Chunk(config.PerDeviceEvalBatchSize))
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var scores = Forward(chunk);
                var (chosen, rejected) = (scores[..chunk.Length], scores[chunk.Length..]);
                var (margin, weight, tie) = Targets(chunk);
                var loss = BradleyTerryLoss.Compute(chosen, rejected, margin, weight, tie);
                double w = weight.sum().item<float>();
                lossSum += loss.item<float>() * w;
                weightSum += w;
                var c = chosen.cpu().data<float>().ToArray();
                var r = rejected.cpu().data<float>().ToArray();
                for (int i = 0; i < chunk.Length; i++)
                {
                    if (chunk[i].Pair.Tie) continue;
                    strict++;
                    correct += c[i] > r[i] ? 1 : c[i] == r[i] ? 0.5 : 0;
                }
            }
            double accuracy = strict == 0 ? 0 : correct / strict;
            double meanLoss = lossSum / Math.Max(1e-9, weightSum);
            double objective = config.MetricForBestModel == BestModelMetric.Accuracy ? accuracy : meanLoss;
            return new EvaluationOutcome(objective, new Dictionary<string, double> { ["loss"] = meanLoss, ["accuracy"] = accuracy });
        }

        EvaluationOutcome? ITrainingStage.Evaluate(CancellationToken cancellationToken) => Evaluate(cancellationToken);

        /// <summary>
        /// Makes the final model the best validation step's (best/ is written by this run before any final export:
        /// the first evaluation is always a best), then measures what the final export records about it.
        /// </summary>
        public IReadOnlyDictionary<string, double> Finish(CancellationToken cancellationToken)
        {
            if (Directory.Exists(bestDirectory)) RewardModelDirectory.LoadWeights(model, bestDirectory);
            Kept = Evaluate(cancellationToken);
            // Reference set for normalisation: every distinct completion the model was trained on.
            var reference = trainPairs.SelectMany(p => new[] { (p.Prompt, p.Chosen, p.Reference), (p.Prompt, p.Rejected, p.Reference) }).Distinct().ToList();
            model.Statistics = RewardStatistics.Of(model.Score(reference, config.PerDeviceEvalBatchSize, cancellationToken), "train completions");
            return new Dictionary<string, double>
            {
                ["final/eval_accuracy"] = Kept.Metrics["accuracy"],
                ["final/eval_loss"] = Kept.Metrics["loss"],
                ["final/reward_mean"] = model.Statistics.Mean,
                ["final/reward_std"] = model.Statistics.Std,
            };
        }

        public string? Export(string directory, bool final, CancellationToken cancellationToken)
        {
            RewardModelDirectory.Save(model, directory, config.BaseModel);
            return null;
        }

        Tensor Forward(IReadOnlyList<EncodedPair> pairs)
        {
            var rows = pairs.Select(p => p.Chosen).Concat(pairs.Select(p => p.Rejected)).ToList();
            using var batch = RewardBatch.Pad(rows, model.Tokenizer.PadId, model.Device);
            return model.Forward(batch);
        }

        (Tensor Margin, Tensor Weight, Tensor Tie) Targets(IReadOnlyList<EncodedPair> pairs)
        {
            var device = model.Device;
            return (tensor(pairs.Select(p => (float)p.Pair.Margin).ToArray()).to(device),
                    tensor(pairs.Select(p => (float)p.Pair.Weight).ToArray()).to(device),
                    tensor(pairs.Select(p => p.Pair.Tie ? 1f : 0f).ToArray()).to(device));
        }

        // A resumed run must see the same pairs, tokens and targets: the config minus resume-neutral fields and the
        // encoded pairs decide that (validation too: it picks the kept step).
        static string Fingerprint(RewardConfig config, IReadOnlyList<EncodedPair> train, IReadOnlyList<EncodedPair> validation)
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            hash.AppendData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(config with { PeakFlops = 0 })));
            foreach (var pair in train.Concat(validation))
            {
                foreach (var id in pair.Chosen.Ids) hash.AppendData(BitConverter.GetBytes(id));
                hash.AppendData([0xFE]);
                foreach (var id in pair.Rejected.Ids) hash.AppendData(BitConverter.GetBytes(id));
                hash.AppendData([0xFF]);
                hash.AppendData(BitConverter.GetBytes(pair.Pair.Margin));
                hash.AppendData(BitConverter.GetBytes(pair.Pair.Weight));
                hash.AppendData([pair.Pair.Tie ? (byte)1 : (byte)0]);
            }
            return Convert.ToHexStringLower(hash.GetHashAndReset());
        }
    }
}
