using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Preference.Core.Domain;

namespace Preference.Training.Telemetry;

/// <summary>
/// Publishes a trainer's metrics to a running `pref serve` over its training hub (<c>/hubs/training</c>), where they
/// are stored and drawn live on the dashboard. Needs a token with role admin or trainer. Metric names follow TRL
/// (<c>objective/kl</c>, <c>loss/policy_avg</c>). Reconnects by itself; a publish while disconnected throws, so a
/// trainer decides whether a dashboard outage should stop training (usually: log and carry on).
/// </summary>
public sealed class TrainingTelemetryClient : IAsyncDisposable
{
    private readonly HubConnection _connection;

    private TrainingTelemetryClient(HubConnection connection, TrainingRun run)
    {
        _connection = connection;
        Run = run;
    }

    public TrainingRun Run { get; }

    /// <summary>Connects and registers a run; <paramref name="stage"/> is e.g. "sft", "reward", "ppo".</summary>
    public static async Task<TrainingTelemetryClient> StartRunAsync(
        Uri server, string token, string runName, string stage, IReadOnlyDictionary<string, string>? config = null,
        CancellationToken cancellationToken = default)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(server, "/hubs/training"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
            .AddJsonProtocol(o => PreferenceJson.Configure(o.PayloadSerializerOptions))
            .WithAutomaticReconnect()
            .ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning))
            .Build();
        try
        {
            await connection.StartAsync(cancellationToken);
            var run = await connection.InvokeAsync<TrainingRun>("StartRun", new { name = runName, stage, config }, cancellationToken);
            return new TrainingTelemetryClient(connection, run);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Sends the metrics of one step; returns once the server has stored them.</summary>
    public Task PublishAsync(long step, IReadOnlyDictionary<string, double> values, CancellationToken cancellationToken = default) =>
        _connection.InvokeAsync("Publish", Run.Id, new { step, values }, cancellationToken);

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
