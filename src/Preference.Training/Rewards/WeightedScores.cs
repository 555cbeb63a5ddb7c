namespace Preference.Training.Rewards;

/// <summary>
/// The weighted total of a batch and each part's raw scores, by part name, all in input order: what a caller needs
/// to report the parts per completion (the reward server's <c>extra_logs</c>) without scoring twice.
/// </summary>
public sealed record WeightedScores(float[] Total, IReadOnlyDictionary<string, float[]> Parts);
