namespace Preference.Training.Reward.Training;

/// <summary>What a run ended with: the kept (best-validation) step and its numbers, and how much input was cut.</summary>
public sealed record RewardTrainingResult(
    int Steps,
    int BestStep,
    double BestValidationLoss,
    double BestValidationAccuracy,
    bool StoppedEarly,
    int TruncatedTrainPairs,
    int TrainPairs,
    TimeSpan Elapsed);
