using System.Text.Json;
using Preference.Training.Reward.Training;

namespace Preference.Cli.Pipeline.Stages;

/// <summary>Trains the Bradley–Terry reward model on the exported pairs (resumes from its checkpoints after a kill).</summary>
public sealed class RewardStage : IPipelineStage
{
    public string Name => "reward";

    public object Inputs(PipelineContext c) => new
    {
        Reward = c.Settings.Reward.BaseModel == "bundled" ? c.Settings.Reward : c.Settings.Reward with { BaseModel = PortableInputs.Of(c.RunDirectory, c.Settings.Reward.BaseModel)! },
        pairs = StageLedger.FileHash(c.PairsFile),
    };

    public async Task<bool> RunAsync(PipelineContext c, bool resume, CancellationToken cancellationToken)
    {
        var config = c.Settings.Reward.ToConfig(c.PairsFile, c.RewardDirectory);
        RewardRunReport report;
        try
        {
            report = await RewardTrainingRun.RunAsync(config, c.Device, line => c.Log.WriteLine($"reward: {line}"), resume, cancellationToken);
        }
        catch (Training.Reward.Data.RewardDataException e)
        {
            throw new Serving.CliException($"reward: {e.Message}");
        }
        var summary = new RewardSummary
        {
            Steps = report.Training.Steps,
            BestStep = report.Training.BestStep,
            ValidationAccuracy = report.Training.BestValidationAccuracy,
            ValidationLoss = report.Training.BestValidationLoss,
            TrainPairs = report.Training.TrainPairs,
            RewardMean = report.Normalization.Mean,
            RewardStd = report.Normalization.Std,
        };
        await File.WriteAllTextAsync(c.RewardSummaryFile, JsonSerializer.Serialize(summary, RewardSummary.Json), cancellationToken);
        c.Log.WriteLine($"reward: validation accuracy {summary.ValidationAccuracy:P1} on held-out prompts; model in {report.ModelDirectory}");
        return true;
    }
}
