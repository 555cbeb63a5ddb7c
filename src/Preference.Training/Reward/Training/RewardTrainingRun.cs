using Preference.Training.Common;
using Preference.Training.Reward.Data;
using Preference.Training.Reward.Evaluation;
using Preference.Training.Reward.Modeling;
using TorchSharp;

namespace Preference.Training.Reward.Training;

/// <summary>What a finished run reports: training numbers, held-out accuracy if there was a test set, where the model is.</summary>
public sealed record RewardRunReport(RewardTrainingResult Training, PairwiseAccuracy? Test, RewardStatistics Normalization, string ModelDirectory);

/// <summary>
/// A whole `pref rm train` (and the quickstart's reward stage): read and split the data by prompt, build the model,
/// train it with <see cref="RewardTrainer"/> on the training loop, and score the held-out test set once at the end.
/// Output in the run directory: final/ (the export), best/, checkpoints/, metrics.jsonl, environment.json and
/// test_scores.jsonl.
/// </summary>
public static class RewardTrainingRun
{
    /// <param name="config">A valid config (<see cref="RewardConfig.Problems"/> empty); file paths as given.</param>
    /// <param name="resume">Continue the run in <paramref name="run"/> from its latest checkpoint.</param>
    /// <param name="log">One line per fact worth telling (pair counts, model size, test accuracy).</param>
    public static async Task<RewardRunReport> RunAsync(RewardConfig config, RunDirectory run, torch.Device device, bool resume,
        IProgress<TrainingProgress>? progress = null, IEnumerable<IMetricsSink>? extraSinks = null, Action<string>? log = null,
        CancellationToken cancellationToken = default)
    {
        if (config.Problems().FirstOrDefault() is { } problem) throw new ArgumentException(problem);
        log ??= _ => { };
        var all = await RewardDataReader.ReadFileAsync(config.TrainFile!, config.Ties, config.Format, cancellationToken);
        int seed = (int)config.Seed;
        IReadOnlyList<RewardPair> trainAll = all, test = [];
        if (config.EvalFile is not null)
            test = await RewardDataReader.ReadFileAsync(config.EvalFile, TieHandling.Drop, config.Format, cancellationToken);
        else if (config.TestFraction > 0)
            (trainAll, test) = PromptSplit.Split(all, config.TestFraction, seed + 1000);
        test = test.Where(p => !p.Tie).ToList();
        var (train, validation) = PromptSplit.Split(trainAll, config.ValidationFraction, seed);
        log($"pairs: {train.Count} train, {validation.Count} validation, {test.Count} test");

        // A scratch model's vocabulary is learned anew on every start (deterministically, from the training pairs) in a
        // folder of this process's own, so nothing is written into the run directory before the loop has claimed it.
        var tokenizerWork = Directory.CreateTempSubdirectory("pref-rm-tokenizer-").FullName;
        try
        {
            using var model = RewardModelFactory.Create(config, train, tokenizerWork, device, cancellationToken);
            var trainer = new RewardTrainer(config, model, train, validation, run, extraSinks);
            var result = await trainer.TrainAsync(resume, progress, cancellationToken);
            log($"model: {config.BaseModel}, {model.Network.Trunk.ParameterCount(trainableOnly: true):N0} trainable trunk parameters; " +
                $"{result.TruncatedTrainPairs} of {result.TrainPairs} train pairs cut to fit {config.MaxLength} tokens");
            log($"kept step {result.BestStep} of {result.Steps} (validation accuracy {result.ValidationAccuracy:F3}, loss {result.ValidationLoss:F4})" +
                (result.StoppedEarly ? ", stopped early" : ""));

            PairwiseAccuracy? testAccuracy = null;
            if (test.Count > 0)
            {
                var (accuracy, rows) = RewardEvaluator.Evaluate(model, test, cancellationToken);
                await RewardEvaluator.WriteAsync(rows, Path.Combine(run.Path, "test_scores.jsonl"), cancellationToken);
                testAccuracy = accuracy;
                log($"test accuracy {accuracy}");
            }
            return new RewardRunReport(result, testAccuracy, model.Statistics!, result.FinalDirectory);
        }
        finally
        {
            Directory.Delete(tokenizerWork, recursive: true);
        }
    }
}
