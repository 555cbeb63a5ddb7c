namespace Preference.Server.Contracts;

public sealed record StartRunRequest
{
    public required string Name { get; init; }
    public string Stage { get; init; } = "";
    public IReadOnlyDictionary<string, string>? Config { get; init; }
}

/// <summary>Metrics of one step: <c>{"step": 10, "values": {"objective/kl": 0.02, "loss/policy_avg": 1.3}}</c>.</summary>
public sealed record MetricsAtStep
{
    public required long Step { get; init; }
    public required IReadOnlyDictionary<string, double> Values { get; init; }
}
