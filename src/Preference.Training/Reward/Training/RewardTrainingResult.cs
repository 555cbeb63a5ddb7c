namespace Preference.Training.Reward.Training;

/// <summary>How a reward-model run ended: the kept (best-validation) step and its numbers, and how much input was cut.</summary>
public sealed record RewardTrainingResult
{
    public required long Steps { get; init; }

    /// <summary>The step whose weights the final model holds (best validation accuracy).</summary>
    public required long? BestStep { get; init; }

    /// <summary>Validation accuracy of the final model (strict pairs).</summary>
    public required double ValidationAccuracy { get; init; }

    /// <summary>Validation Bradley–Terry loss of the final model (no centering or smoothing).</summary>
    public required double ValidationLoss { get; init; }

    public required bool StoppedEarly { get; init; }
    public required int TruncatedTrainPairs { get; init; }
    public required int TrainPairs { get; init; }
    public required TimeSpan Elapsed { get; init; }

    /// <summary>The exported model: a Hugging Face LlamaForSequenceClassification directory.</summary>
    public required string FinalDirectory { get; init; }
}
