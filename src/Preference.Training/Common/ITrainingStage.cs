using TorchSharp;
using static TorchSharp.torch;

namespace Preference.Training.Common;

/// <summary>
/// What a stage gives <see cref="TrainingLoop"/>: its model, one optimizer step's work, its evaluation and its export.
/// Everything else (run directory, resume, data order, optimizer, metrics, progress, early stopping, checkpoints) is
/// the loop's, so every stage behaves the same there.
/// </summary>
public interface ITrainingStage
{
    /// <summary>Stage name in metrics rows, run.json and progress ("sft", "dpo", "kto").</summary>
    string Name { get; }

    /// <summary>The model being trained: the loop switches it between train and eval mode and reads its device.</summary>
    nn.Module Model { get; }

    /// <summary>
    /// What a checkpoint holds, by name (the file name in the checkpoint). Default: <see cref="Model"/> as "model".
    /// PPO: the policy (or its LoRA adapters) and the value model.
    /// </summary>
    IReadOnlyDictionary<string, nn.Module> CheckpointModules => new Dictionary<string, nn.Module> { ["model"] = Model };

    /// <summary>
    /// The optimizers the loop builds, by name, each over its own parameters with its own settings (null: the run's
    /// optimizer section); checkpoints hold each. Default: one, "model", over <see cref="Model"/>'s parameters.
    /// </summary>
    IReadOnlyDictionary<string, OptimizedParameters> Optimizers =>
        new Dictionary<string, OptimizedParameters> { ["model"] = new(Model.parameters()) };

    /// <summary>Examples in the training set, in the order <see cref="DataOrder"/> shuffles them.</summary>
    int TrainExamples { get; }

    /// <summary>Hash of config and data; a resume with a different one is refused.</summary>
    string InputFingerprint { get; }

    /// <summary>Training FLOPs per token, for MFU.</summary>
    double FlopsPerToken { get; }

    /// <summary>Sizes written once at step 0 under setup/ (parameters, examples, what was cut).</summary>
    IReadOnlyDictionary<string, double> SetupMetrics { get; }

    /// <summary>Forward and backward over the micro-batches of one optimizer step (gradients accumulate; the loop steps).</summary>
    /// <param name="microBatches">Indices into the training set, one array per micro-batch.</param>
    /// <returns>The step's metrics without a prefix (loss, rewards/chosen, …) and the tokens it processed.</returns>
    StepOutcome Step(IReadOnlyList<int[]> microBatches, CancellationToken cancellationToken);

    /// <summary>Metrics on the validation set without gradients, or null when there is none.</summary>
    EvaluationOutcome? Evaluate(CancellationToken cancellationToken);

    /// <summary>Whether a higher evaluation objective is better (accuracy) rather than lower (loss).</summary>
    bool HigherIsBetter => false;

    /// <summary>Metrics written just before the final export (e.g. SFT's forgetting check), with their full names.</summary>
    IReadOnlyDictionary<string, double> Finish(CancellationToken cancellationToken) => new Dictionary<string, double>();

    /// <summary>Writes the model for others to load; <paramref name="final"/> may merge adapters for good.</summary>
    /// <returns>A second directory written beside it (the merged model), or null.</returns>
    string? Export(string directory, bool final, CancellationToken cancellationToken);
}

/// <summary>Parameters one optimizer updates, and its settings (null: the run's optimizer section).</summary>
public sealed record OptimizedParameters(IEnumerable<TorchSharp.Modules.Parameter> Parameters, OptimizerConfig? Settings = null);

/// <summary>One optimizer step's metrics (names without the train/ prefix) and tokens processed.</summary>
public sealed record StepOutcome(IReadOnlyDictionary<string, double> Metrics, long Tokens);

/// <summary>An evaluation: the objective early stopping and the best checkpoint follow, and every metric by name.</summary>
public sealed record EvaluationOutcome(double Objective, IReadOnlyDictionary<string, double> Metrics);

/// <summary>How a run ended.</summary>
public sealed record TrainingOutcome
{
    public required string RunId { get; init; }
    public required long Steps { get; init; }
    public required bool StoppedEarly { get; init; }
    public double? BestObjective { get; init; }
    public long? BestStep { get; init; }
    /// <summary>The last evaluation's metrics (names without eval/), or null when nothing was evaluated.</summary>
    public IReadOnlyDictionary<string, double>? LastEvaluation { get; init; }
    public required string FinalDirectory { get; init; }
    public string? MergedDirectory { get; init; }
}
