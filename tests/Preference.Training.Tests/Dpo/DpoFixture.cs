using Preference.Models;
using Preference.Training.Common;
using Preference.Training.Dpo;
using Preference.Training.Tests.Common;
using TorchSharp;

namespace Preference.Training.Tests.Dpo;

/// <summary>
/// A synthetic preference the base model does not hold (after "X saw a Y." the story should say the Y
/// is red, not blue), and the bundled stories260K as policy and reference.
/// </summary>
sealed class DpoFixture() : StoryTaskFixture("pref-dpo-")
{
    /// <summary>TRL standard rows: the same sentence with "red" chosen over "blue".</summary>
    public string WritePairs(int rows = 40, string name = "pairs.jsonl") =>
        WriteRows(rows, name, (who, what) => new { prompt = $"{who} saw a {what}.", chosen = $"{who} said: the {what} is red.", rejected = $"{who} said: the {what} is blue." });

    public static DpoConfig Config(string trainFile) => new()
    {
        TrainFile = trainFile,
        ValidationSplit = 0.25,
        MaxLength = 32,
        PerDeviceTrainBatchSize = 8,
        PerDeviceEvalBatchSize = 16,
        MaxSteps = 8,
        LoggingSteps = 1,
        EvalSteps = 4,
        SaveSteps = 2,
        Beta = 0.1,
        Optimizer = new OptimizerConfig { LearningRate = 3e-3, WarmupSteps = 1 },
        Seed = 7,
    };

    public async Task<(TrainingOutcome Result, RunDirectory Run)> TrainAsync(DpoConfig config, string runName, bool resume = false,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        using var bundle = ModelBundle.Load(null, torch.CPU);
        using var reference = config.NeedsReferenceModel() ? ModelBundle.Load(null, torch.CPU) : null;
        var data = await PreferenceData.LoadAsync(config, bundle.Tokenizer, cancellationToken);
        var run = new RunDirectory(Path(runName));
        var trainer = new DpoTrainer(config, bundle.Model, bundle.Tokenizer, data, run, reference?.Model);
        return (await trainer.TrainAsync(resume, progress, cancellationToken), run);
    }
}
