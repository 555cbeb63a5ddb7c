using Preference.Cli.Rewards;
using Preference.Training.Common;
using Preference.Training.Grpo;

namespace Preference.Cli.Pipeline.Stages;

/// <summary>
/// quickstart.algorithm: grpo — GRPO of the bundled policy against the learned reward model (the same reward as the
/// ppo stage, no value model), publishing every step to the server's training channel so the dashboard plots it
/// live. Resumes from its checkpoints after an interruption.
/// </summary>
public sealed class GrpoStage : IPipelineStage
{
    public const string StageName = "grpo";

    public string Name => StageName;

    // Model paths by place in the run or by content (never absolute), so a copied run directory still resumes.
    public object Inputs(PipelineContext c) => Settings(c) with
    {
        Policy = PortableInputs.Of(c.RunDirectory, Settings(c).Policy),
        Rewards = Settings(c).Rewards.Select(r => r with { Path = PortableInputs.Of(c.RunDirectory, r.Path), Judge = PortableInputs.Of(c.RunDirectory, r.Judge) }).ToList(),
    };

    static GrpoConfig Settings(PipelineContext c) =>
        c.Grpo ?? throw new InvalidOperationException("the grpo stage runs only with quickstart.algorithm: grpo");

    public async Task<bool> RunAsync(PipelineContext c, bool resume, CancellationToken cancellationToken)
    {
        var settings = Settings(c);
        await using var stage = await TrainingStageRun.StartAsync(c, Name, c.GrpoDirectory, resume, cancellationToken);
        using var models = GrpoModels.Load(settings, c.Device);
        var reward = await CliRewardSources.BuildAsync(settings, c.Device, cancellationToken);
        var trainer = new GrpoTrainer(settings, models, reward, settings.Prompts, stage.Run) { Sinks = stage.Live.Sinks, Warnings = c.Log };
        var result = await trainer.TrainAsync(stage.Resume, new GrpoProgressLine(c.Log), cancellationToken);
        c.Log.WriteLine($"grpo: {result.Steps} steps; policy in {result.MergedDirectory ?? result.FinalDirectory}");
        return true;
    }

    sealed class GrpoProgressLine(TextWriter writer) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress p)
        {
            if (p.Step % 5 != 0 && p.Step != p.TotalSteps) return;
            double Get(string name) => p.Metrics.TryGetValue(name, out var v) ? v : double.NaN;
            writer.WriteLine($"grpo: step {p.Step}/{p.TotalSteps}  reward {Get("reward"):0.000}  reward_std {Get("reward_std"):0.000}  kl {Get("kl"):0.00}");
        }
    }
}
