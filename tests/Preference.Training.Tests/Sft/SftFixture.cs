using System.Text.Json;
using Preference.Models;
using Preference.Training.Common;
using Preference.Training.Sft;
using TorchSharp;

namespace Preference.Training.Tests.Sft;

/// <summary>A temp run folder, a small prompt/completion task on TinyStories vocabulary, and the bundled stories260K.</summary>
sealed class SftFixture : IDisposable
{
    static readonly string[] Names = ["Tim", "Lily", "Sam", "Mia", "Ben", "Sue", "Max", "Anna", "Tom", "Lucy"];
    static readonly string[] Things = ["ball", "cat", "dog", "tree", "cake", "boat", "bird", "car"];

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("pref-sft-").FullName;

    public string Path(string name) => System.IO.Path.Combine(Directory, name);

    /// <summary>
    /// A task the base model does not know: after "X saw a Y." comes the fixed answer " X said: the Y is red." —
    /// learnable in a few dozen steps, and measurable on held-out rows.
    /// </summary>
    public string WriteTask(int rows = 48, string name = "train.jsonl")
    {
        var lines = Enumerable.Range(0, rows).Select(i =>
        {
            string who = Names[i % Names.Length], what = Things[i / Names.Length % Things.Length];
            return JsonSerializer.Serialize(new { prompt = $"{who} saw a {what}.", completion = $" {who} said: the {what} is red." });
        });
        var path = Path(name);
        File.WriteAllLines(path, lines);
        return path;
    }

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

    public static IReadOnlyList<(long Step, double Value)> Metric(RunDirectory run, string name) =>
        JsonlMetricsSink.Read(run.MetricsFile)
            .Where(row => row.TryGetProperty(name, out _))
            .Select(row => (row.GetProperty("step").GetInt64(), row.GetProperty(name).GetDouble()))
            .ToList();

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }
}
