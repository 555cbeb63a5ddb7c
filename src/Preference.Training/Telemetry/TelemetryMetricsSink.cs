using Preference.Training.Common;

namespace Preference.Training.Telemetry;

/// <summary>
/// Sends metrics rows to the server's training channel. A dashboard outage must not stop a training run, so a failed
/// publish is reported once on the given writer and later rows are still tried (the client reconnects by itself).
/// </summary>
public sealed class TelemetryMetricsSink(TrainingTelemetryClient client, TextWriter warnings) : IMetricsSink
{
    bool _warned;

    public async ValueTask WriteAsync(MetricsRecord record, CancellationToken cancellationToken)
    {
        try
        {
            await client.PublishAsync(record.Step, record.Values, cancellationToken);
            _warned = false;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            if (_warned) return;
            _warned = true;
            await warnings.WriteLineAsync($"warning: metrics not published to the server ({e.Message}); metrics.jsonl still has them");
        }
    }
}
