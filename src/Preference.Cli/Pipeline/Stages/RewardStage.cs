using System.Text.Json;
using Preference.Training.Common;
using Preference.Training.Reward.Modeling;
using Preference.Training.Reward.Training;

namespace Preference.Cli.Pipeline.Stages;

/// <summary>
/// Trains the Bradley–Terry reward model on the exported pairs with the rm: section's settings, exactly as
/// `pref rm train` would (<see cref="RewardTrainingRun"/>); resumes from its checkpoints after a kill.
/// </summary>
public sealed class RewardStage : IPipelineStage
{
    public string Name => "reward";

    // The pairs file is the export stage's output, which the fingerprint chain already covers; its path is left out
    // so a copied run directory still resumes.
    public object Inputs(PipelineContext c) => new
    {
        Reward = c.Reward with
        {
            TrainFile = "export/pairs.jsonl",
            BaseModel = c.Reward.BaseModel is RewardModelFactory.Bundled or RewardModelFactory.Scratch ? c.Reward.BaseModel : PortableInputs.Of(c.RunDirectory, c.Reward.BaseModel)!,
        },
        pairs = StageLedger.FileHash(c.PairsFile),
    };

    public async Task<bool> RunAsync(PipelineContext c, bool resume, CancellationToken cancellationToken)
    {
        var config = c.Reward with { TrainFile = c.PairsFile };
        var run = new RunDirectory(c.RewardDirectory);
        bool fromCheckpoint = resume && run.Checkpoints().Latest() is not null;
        // An interrupted attempt without a checkpoint left nothing worth keeping; start the stage over.
        if (!fromCheckpoint)
        {
            Directory.Delete(run.Path, recursive: true);
            run = new RunDirectory(c.RewardDirectory);
        }
        RewardRunReport report;
        try
        {
            report = await RewardTrainingRun.RunAsync(config, run, c.Device, fromCheckpoint, new RewardProgressLine(c.Log),
                log: line => c.Log.WriteLine($"reward: {line}"), cancellationToken: cancellationToken);
        }
        catch (Training.Reward.Data.RewardDataException e)
        {
            throw new Serving.CliException($"reward: {e.Message}");
        }
        var summary = new RewardSummary
        {
            Steps = (int)report.Training.Steps,
            BestStep = (int)(report.Training.BestStep ?? 0),
            ValidationAccuracy = report.Training.ValidationAccuracy,
            ValidationLoss = report.Training.ValidationLoss,
            TrainPairs = report.Training.TrainPairs,
            RewardMean = report.Normalization.Mean,
            RewardStd = report.Normalization.Std,
        };
        await File.WriteAllTextAsync(c.RewardSummaryFile, JsonSerializer.Serialize(summary, RewardSummary.Json), cancellationToken);
        c.Log.WriteLine($"reward: validation accuracy {summary.ValidationAccuracy:P1} on held-out prompts; model in {report.ModelDirectory}");
        return true;
    }

    /// <summary>A line per validation: enough to follow the reward model in the quickstart's log.</summary>
    sealed class RewardProgressLine(TextWriter writer) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress p)
        {
            if (!p.Metrics.TryGetValue("eval/accuracy", out var accuracy)) return;
            writer.WriteLine($"reward: step {p.Step}/{p.TotalSteps}  loss {p.Metrics["train/loss"]:0.000}  validation loss {p.Metrics["eval/loss"]:0.0000}  accuracy {accuracy:0.000}");
        }
    }
}
