namespace Preference.Training.Reward.Training;

/// <summary>
/// Which validation metric picks the kept step and drives early stopping (`metric_for_best_model`, as in transformers'
/// TrainingArguments). Accuracy is what a reward model is used for; loss is the smoother choice on a small validation
/// split, where accuracy moves in steps of one pair.
/// </summary>
public enum BestModelMetric
{
    Accuracy,
    Loss,
}
