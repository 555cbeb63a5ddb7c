using Preference.Training.Reward.Training;

namespace Preference.Cli.Pipeline;

/// <summary>
/// The reward-model settings a quickstart exposes (<c>quickstart.reward:</c>); the rest keep <see cref="RewardConfig"/>'s
/// defaults. The training file and output directory are the run's own.
/// </summary>
public sealed record QuickstartReward
{
    /// <summary>"bundled" (default): fine-tune stories260K's trunk, which already reads these stories; or "scratch".</summary>
    public string BaseModel { get; init; } = "bundled";

    /// <summary>Tokens per prompt + completion; the quickstart's texts are short.</summary>
    public int MaxLength { get; init; } = 128;

    public int BatchSize { get; init; } = 16;

    public int NumTrainEpochs { get; init; } = 4;

    /// <summary>High for a 260K-parameter trunk and a few hundred pairs.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Share of prompts held out for validation accuracy (the number the report plots).</summary>
    public double ValidationFraction { get; init; } = 0.2;

    public int EvalSteps { get; init; } = 10;

    public int Seed { get; init; } = 1;

    public IEnumerable<string> Problems()
    {
        if (BatchSize < 1) yield return "batch_size: must be at least 1";
        if (NumTrainEpochs < 1) yield return "num_train_epochs: must be at least 1";
        if (MaxLength < 8) yield return "max_length: must be at least 8";
        if (ValidationFraction is <= 0 or >= 1) yield return "validation_fraction: must be between 0 and 1 (the report needs validation accuracy)";
    }

    public RewardConfig ToConfig(string trainFile, string outputDirectory) => new()
    {
        TrainFile = trainFile,
        OutputDirectory = outputDirectory,
        BaseModel = BaseModel,
        MaxLength = MaxLength,
        BatchSize = BatchSize,
        NumTrainEpochs = NumTrainEpochs,
        LearningRate = LearningRate,
        ValidationFraction = ValidationFraction,
        EvalSteps = EvalSteps,
        Seed = Seed,
    };
}
