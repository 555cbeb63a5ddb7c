namespace Preference.Training.Reward.Data;

/// <summary>A preference file that cannot be used, naming the file and the first bad records.</summary>
public sealed class RewardDataException(string source, string problem) : Exception($"{source}: {problem}")
{
    public string File { get; } = source;
}
