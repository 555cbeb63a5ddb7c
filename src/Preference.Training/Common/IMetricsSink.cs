namespace Preference.Training.Common;

/// <summary>One row of metrics at a step, with TRL-style slash-separated names (loss/policy_avg, objective/kl).</summary>
public sealed record MetricsRecord(string Stage, long Step, IReadOnlyDictionary<string, double> Values)
{
    public DateTimeOffset Time { get; init; } = DateTimeOffset.UtcNow;
}

/// <summary>Where trainers send metrics: metrics.jsonl, the server's training channel, the console.</summary>
public interface IMetricsSink
{
    ValueTask WriteAsync(MetricsRecord record, CancellationToken cancellationToken);
}

/// <summary>Sends each record to several sinks.</summary>
public sealed class MetricsFanOut(IEnumerable<IMetricsSink> sinks) : IMetricsSink
{
    readonly IReadOnlyList<IMetricsSink> _sinks = sinks.ToList();

    public async ValueTask WriteAsync(MetricsRecord record, CancellationToken cancellationToken)
    {
        foreach (var sink in _sinks) await sink.WriteAsync(record, cancellationToken);
    }
}
