using Preference.Models;
using Preference.Training.Common;
using Preference.Training.Dpo;

namespace Preference.Cli.Pipeline.Stages;

/// <summary>
/// quickstart.algorithm: dpo — direct preference optimisation of the bundled policy on the exported pairs (no reward
/// model), publishing every step to the server's training channel so the dashboard plots it live. Resumes from its
/// checkpoints after an interruption.
/// </summary>
public sealed class DpoStage : IPipelineStage
{
    public const string StageName = "dpo";

    public string Name => StageName;

    // The pairs file is the export stage's output, which the fingerprint chain already covers; its path is left out
    // so a copied run directory still resumes.
    public object Inputs(PipelineContext c) => Settings(c) with { TrainFile = "export/pairs.jsonl", Model = PortableInputs.Of(c.RunDirectory, c.Dpo!.Model) };

    static DpoConfig Settings(PipelineContext c) =>
        c.Dpo ?? throw new InvalidOperationException("the dpo stage runs only with quickstart.algorithm: dpo");

    public async Task<bool> RunAsync(PipelineContext c, bool resume, CancellationToken cancellationToken)
    {
        var settings = Settings(c) with { TrainFile = c.PairsFile };
        await using var stage = await TrainingStageRun.StartAsync(c, Name, c.DpoDirectory, resume, cancellationToken);
        using var policy = ModelBundle.Load(settings.Model, c.Device, cancellationToken: cancellationToken);
        using var reference = settings.NeedsReferenceModel() ? ModelBundle.Load(settings.Model, c.Device, cancellationToken: cancellationToken) : null;
        PreferenceData data;
        try { data = await PreferenceData.LoadAsync(settings, policy.Tokenizer, cancellationToken); }
        catch (Training.Reward.Data.RewardDataException e) { throw new Serving.CliException(e.Message); }
        c.Log.WriteLine($"dpo: {data.TrainCount} training pairs, {data.ValidationCount} held out");

        var trainer = new DpoTrainer(settings, policy.Model, policy.Tokenizer, data, stage.Run, reference?.Model, stage.Live.Sinks);
        var result = await trainer.TrainAsync(stage.Resume, new DpoProgressLine(c.Log), cancellationToken);
        double Eval(string name) => result.LastEvaluation is { } e && e.TryGetValue(name, out var v) ? v : double.NaN;
        c.Log.WriteLine($"dpo: {result.Steps} steps; held-out reward accuracy {Eval("rewards/accuracies"):P1}, margin {Eval("rewards/margins"):0.000}; " +
                        $"policy in {c.PolicyDirectory}");
        return true;
    }

    /// <summary>A line every few steps: enough to follow a run in the quickstart's log without flooding it.</summary>
    sealed class DpoProgressLine(TextWriter writer) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress p)
        {
            if (p.Step % 10 != 0 && p.Step != p.TotalSteps) return;
            double Get(string name) => p.Metrics.TryGetValue(name, out var v) ? v : double.NaN;
            writer.WriteLine($"dpo: step {p.Step}/{p.TotalSteps}  loss {Get("train/loss"):0.000}  accuracy {Get("train/rewards/accuracies"):0.00}  " +
                             $"margin {Get("train/rewards/margins"):0.000}");
        }
    }
}
