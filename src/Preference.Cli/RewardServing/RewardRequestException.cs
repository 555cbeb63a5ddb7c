namespace Preference.Cli.RewardServing;

/// <summary>A reward request the server refuses: the HTTP status and the field (<c>query[3]</c>, <c>labels</c>) at fault.</summary>
public sealed class RewardRequestException(int status, string field, string problem) : Exception($"{field}: {problem}")
{
    public int Status { get; } = status;
    public string Field { get; } = field;
    public string Problem { get; } = problem;
}
