using Preference.Cli.Rewards;
using Preference.Training.Common;
using Preference.Training.Ppo;
using Preference.Training.Telemetry;

namespace Preference.Cli.Pipeline.Stages;

/// <summary>
/// PPO on the bundled policy with the learned reward model as its reward, publishing every step to the server's
/// training channel so the dashboard plots it live. Resumes from the PPO checkpoints after an interruption.
/// </summary>
public sealed class PpoStage : IPipelineStage
{
    public string Name => "ppo";

    // Model and judge paths by place in the run or by content (never absolute), so a copied run directory still resumes.
    public object Inputs(PipelineContext c) => c.Ppo with
    {
        Policy = PortableInputs.Of(c.RunDirectory, c.Ppo.Policy),
        Reference = PortableInputs.Of(c.RunDirectory, c.Ppo.Reference),
        Rewards = c.Ppo.Rewards.Select(r => r with { Path = PortableInputs.Of(c.RunDirectory, r.Path), Judge = PortableInputs.Of(c.RunDirectory, r.Judge) }).ToList(),
    };

    public async Task<bool> RunAsync(PipelineContext c, bool resume, CancellationToken cancellationToken)
    {
        var run = new RunDirectory(c.PpoDirectory);
        bool fromCheckpoint = resume && run.Checkpoints().Latest() is not null;
        using var models = PpoModels.Load(c.Ppo, c.Device);
        var reward = await CliRewardSources.BuildAsync(c.Ppo, models, c.Device, cancellationToken);
        await using var telemetry = await TrainingTelemetryClient.StartRunAsync(c.Server.Address, c.Server.AdminToken,
            fromCheckpoint ? "quickstart ppo (resumed)" : "quickstart ppo", "ppo", cancellationToken: cancellationToken);
        c.Log.WriteLine($"ppo: live metrics on the dashboard at {c.Server.Address} (run {telemetry.Run.Id})");
        var trainer = new PpoTrainer(c.Ppo, models, reward, c.Ppo.Prompts, run)
        {
            Sinks = [new TelemetryMetricsSink(telemetry, c.Log)],
            Progress = new PpoProgressLine(c.Log),
            StopAfterStep = c.StopAfterPpoStep,
        };
        var result = await trainer.TrainAsync(fromCheckpoint, cancellationToken);
        if (result.FinalModelDirectory is null)
        {
            c.Log.WriteLine($"ppo: stopped after step {result.Steps} of {c.Ppo.TotalSteps}; run the same command again to resume");
            return false;
        }
        c.Log.WriteLine($"ppo: {result.Steps} steps; policy in {result.FinalModelDirectory}");
        return true;
    }

    sealed class PpoProgressLine(TextWriter writer) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress p)
        {
            double Get(string name) => p.Metrics.TryGetValue(name, out var v) ? v : double.NaN;
            writer.WriteLine($"ppo: step {p.Step}/{p.TotalSteps}  reward {Get("objective/scores"):0.000}  kl {Get("objective/kl"):0.00}  " +
                             $"rlhf_reward {Get("objective/rlhf_reward"):0.000}");
        }
    }
}
