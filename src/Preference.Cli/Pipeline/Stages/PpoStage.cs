using Preference.Cli.Rewards;
using Preference.Training.Common;
using Preference.Training.Ppo;

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
        await using var stage = await TrainingStageRun.StartAsync(c, Name, c.PpoDirectory, resume, cancellationToken);
        using var models = PpoModels.Load(c.Ppo, c.Device);
        var reward = await CliRewardSources.BuildAsync(c.Ppo, models, c.Device, cancellationToken);
        var trainer = new PpoTrainer(c.Ppo, models, reward, c.Ppo.Prompts, stage.Run) { Sinks = stage.Live.Sinks };
        // --stop-after-ppo-step: end the process's part after that step as a kill would, to show resuming.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var progress = new PpoProgressLine(c.Log, step => { if (step == c.StopAfterPpoStep) stop.Cancel(); });
        TrainingOutcome result;
        try
        {
            result = await trainer.TrainAsync(stage.Resume, progress, stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            c.Log.WriteLine($"ppo: stopped after step {c.StopAfterPpoStep} of {c.Ppo.TotalSteps}; run the same command again to resume");
            return false;
        }
        c.Log.WriteLine($"ppo: {result.Steps} steps; policy in {result.MergedDirectory ?? result.FinalDirectory}");
        return true;
    }

    sealed class PpoProgressLine(TextWriter writer, Action<long> afterStep) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress p)
        {
            afterStep(p.Step);
            double Get(string name) => p.Metrics.TryGetValue(name, out var v) ? v : double.NaN;
            writer.WriteLine($"ppo: step {p.Step}/{p.TotalSteps}  reward {Get("objective/scores"):0.000}  kl {Get("objective/kl"):0.00}  " +
                             $"rlhf_reward {Get("objective/rlhf_reward"):0.000}");
        }
    }
}
