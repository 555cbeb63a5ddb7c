namespace Preference.Core.Domain;

/// <summary>One scalar at one step, named TRL-style with slashes (<c>objective/kl</c>, <c>loss/policy_avg</c>).</summary>
public sealed record MetricPoint(string RunId, long Step, string Name, double Value, DateTimeOffset Time);
