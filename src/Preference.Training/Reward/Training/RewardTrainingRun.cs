using Preference.Training.Common;
using Preference.Training.Reward.Data;
using Preference.Training.Reward.Evaluation;
using Preference.Training.Reward.Export;
using Preference.Training.Reward.Modeling;
using TorchSharp;

namespace Preference.Training.Reward.Training;

/// <summary>What a finished run reports: training numbers, held-out accuracy if there was a test set, where the model is.</summary>
public sealed record RewardRunReport(RewardTrainingResult Training, PairwiseAccuracy? Test, RewardStatistics Normalization, string ModelDirectory);

/// <summary>
/// A whole `pref rm train`: read and split the data, build the model, train, measure reward statistics on the
/// training completions, export the HF directory, and score the held-out set once at the end.
/// Output: &lt;out&gt;/final (the export), &lt;out&gt;/checkpoints, &lt;out&gt;/metrics.jsonl, &lt;out&gt;/test_scores.jsonl.
/// </summary>
public static class RewardTrainingRun
{
    /// <param name="resume">Continue from the newest checkpoint in the output directory instead of starting over.</param>
    public static async Task<RewardRunReport> RunAsync(RewardConfig config, torch.Device device, Action<string>? log = null,
        bool resume = false, CancellationToken cancellationToken = default)
    {
        config.Validate();
        log ??= _ => { };
        var all = await RewardDataReader.ReadFileAsync(config.TrainFile, config.Ties, config.Format, cancellationToken);
        IReadOnlyList<RewardPair> trainAll = all, test = [];
        if (config.EvalFile is not null)
            test = await RewardDataReader.ReadFileAsync(config.EvalFile, TieHandling.Drop, config.Format, cancellationToken);
        else if (config.TestFraction > 0)
            (trainAll, test) = PromptSplit.Split(all, config.TestFraction, config.Seed + 1000);
        test = test.Where(p => !p.Tie).ToList();
        var (train, validation) = PromptSplit.Split(trainAll, config.ValidationFraction, config.Seed);
        log($"pairs: {train.Count} train, {validation.Count} validation, {test.Count} test");

        var run = new RunDirectory(config.OutputDirectory);
        var modelDirectory = run.FinalModelDirectory;
        var tokenizerWork = Path.Combine(config.OutputDirectory, "tokenizer");
        using var model = RewardModelFactory.Create(config, train, tokenizerWork, device, cancellationToken);
        var encodedTrain = EncodedPair.Encode(train, model.Window);
        var encodedValidation = EncodedPair.Encode(validation, model.Window);
        log($"model: {config.BaseModel}, {model.Network.Trunk.ParameterCount(trainableOnly: true):N0} trainable parameters; " +
            $"{encodedTrain.Count(p => p.Truncated)} of {encodedTrain.Count} train pairs cut to fit {config.MaxLength} tokens (prompt start or passage sentences dropped)");

        var trainer = new RewardTrainer(model, config);
        var checkpoints = run.Checkpoints();
        long? resumeStep = resume && checkpoints.Latest() is { } latest ? CheckpointStore.ReadState(latest).Step : null;
        if (resumeStep is { } from) log($"resuming from step {from}");
        var metrics = new JsonlMetricsSink(run.MetricsFile, resumeStep);
        {
            var progress = new InlineProgress(p =>
            {
                var m = p.Metrics;
                if (m.TryGetValue("eval/accuracy", out var accuracy))
                    log($"step {p.Step} epoch {m["train/epoch"]:F2}: loss {m["train/loss"]:F3}, validation loss {m["eval/loss"]:F4}, accuracy {accuracy:F3}, {m["perf/pairs_per_second"]:F0} pairs/s");
            });
            var result = trainer.Train(encodedTrain, encodedValidation, checkpoints.Directory, resume, metrics, progress, cancellationToken);
            log($"kept step {result.BestStep} of {result.Steps} (validation accuracy {result.BestValidationAccuracy:F3})" +
                (result.StoppedEarly ? ", stopped early" : ""));

            // Reference set for normalisation: every distinct completion the model was trained on.
            var reference = train.SelectMany(p => new[] { (p.Prompt, p.Chosen, p.Reference), (p.Prompt, p.Rejected, p.Reference) }).Distinct().ToList();
            model.Statistics = RewardStatistics.Of(model.Score(reference, cancellationToken: cancellationToken), "train completions");
            RewardModelDirectory.Save(model, modelDirectory, config.BaseModel);

            PairwiseAccuracy? testAccuracy = null;
            if (test.Count > 0)
            {
                var (accuracy, rows) = RewardEvaluator.Evaluate(model, test, cancellationToken);
                await RewardEvaluator.WriteAsync(rows, Path.Combine(config.OutputDirectory, "test_scores.jsonl"), cancellationToken);
                testAccuracy = accuracy;
                log($"test accuracy {accuracy}");
            }
            return new RewardRunReport(result, testAccuracy, model.Statistics, modelDirectory);
        }
    }
}
