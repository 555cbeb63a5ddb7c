namespace Preference.Training.Reward.Data;

/// <summary>What to do with two completions ranked equal.</summary>
public enum TieHandling
{
    /// <summary>Leave them out (TRL's behaviour): only strict pairs train the model.</summary>
    Drop,

    /// <summary>Keep them with target probability 0.5, which pulls their rewards together.</summary>
    Loss,
}
