using Preference.Models;
using Preference.Training.Common;
using Preference.Training.Sft;
using Preference.Training.Tests.Common;
using TorchSharp;

namespace Preference.Training.Tests.Sft;

/// <summary>A small prompt/completion task on TinyStories vocabulary, and the bundled stories260K.</summary>
sealed class SftFixture() : StoryTaskFixture("pref-sft-")
{
    /// <summary>
    /// A task the base model does not know: after "X saw a Y." comes the fixed answer " X said: the Y is red." —
    /// learnable in a few dozen steps, and measurable on held-out rows.
    /// </summary>
    public string WriteTask(int rows = 48, string name = "train.jsonl") =>
        WriteRows(rows, name, (who, what) => new { prompt = $"{who} saw a {what}.", completion = $" {who} said: the {what} is red." });

    public static SftConfig Config(string trainFile) => new()
    {
        TrainFile = trainFile,
        ValidationSplit = 0.25,
        MaxLength = 32,
        PerDeviceTrainBatchSize = 8,
        PerDeviceEvalBatchSize = 16,
        NumTrainEpochs = 1,
        MaxSteps = 8,
        LoggingSteps = 1,
        EvalSteps = 4,
        SaveSteps = 2,
        ForgettingSamples = 0,
        Optimizer = new OptimizerConfig { LearningRate = 3e-3, WarmupSteps = 1 },
        Seed = 7,
    };

    public static ModelBundle LoadModel() => ModelBundle.Load(null, torch.CPU);

    public async Task<(SftResult Result, RunDirectory Run)> TrainAsync(SftConfig config, string runName, bool resume = false,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default,
        Action<CausalLanguageModel>? inspectTrained = null)
    {
        using var bundle = LoadModel();
        var data = await SftData.LoadAsync(config, bundle.Tokenizer, cancellationToken);
        var run = new RunDirectory(Path(runName));
        var trainer = new SftTrainer(config, bundle.Model, bundle.Tokenizer, data, run);
        var result = await trainer.TrainAsync(resume, progress, cancellationToken);
        inspectTrained?.Invoke(bundle.Model);
        return (result, run);
    }
}
