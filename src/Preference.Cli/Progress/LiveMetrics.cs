using System.CommandLine;
using Preference.Cli.Serving;
using Preference.Training.Common;
using Preference.Training.Telemetry;

namespace Preference.Cli.Progress;

/// <summary>
/// A training run's metrics published live to a `pref serve` dashboard (its training channel), beside metrics.jsonl:
/// the one way sft, dpo, kto, ppo and grpo publish them, as commands (--server, --token) and as quickstart stages.
/// Without a server there is nothing to publish and <see cref="Sinks"/> is empty.
/// </summary>
public sealed class LiveMetrics : IAsyncDisposable
{
    readonly TrainingTelemetryClient? _client;

    LiveMetrics(TrainingTelemetryClient? client, TextWriter warnings)
    {
        _client = client;
        Sinks = client is null ? [] : [new TelemetryMetricsSink(client, warnings)];
    }

    public static readonly Option<Uri?> Server = new("--server") { Description = "Also publish metrics to a running `pref serve` (e.g. http://localhost:5000)" };

    public static readonly Option<string?> Token = new("--token") { Description = "API token with role admin or trainer (default: $PREF_TOKEN)" };

    /// <summary>The sinks the training loop writes to besides metrics.jsonl.</summary>
    public IReadOnlyList<IMetricsSink> Sinks { get; }

    /// <summary>The dashboard's id of the run, or null without a server.</summary>
    public string? RunId => _client?.Run.Id;

    /// <summary>For a command: publishes to --server (with --token or $PREF_TOKEN) when given, else nowhere.</summary>
    public static Task<LiveMetrics> ForCommandAsync(ParseResult parse, RunDirectory run, string stage, CancellationToken cancellationToken) =>
        ForCommandAsync(parse.GetValue(Server), parse.GetValue(Token), run, stage, cancellationToken);

    /// <inheritdoc cref="ForCommandAsync(ParseResult, RunDirectory, string, CancellationToken)"/>
    public static async Task<LiveMetrics> ForCommandAsync(Uri? server, string? token, RunDirectory run, string stage, CancellationToken cancellationToken)
    {
        if (server is null) return new LiveMetrics(null, Console.Error);
        var key = token ?? Environment.GetEnvironmentVariable("PREF_TOKEN") ?? throw new CliException("--server needs --token or $PREF_TOKEN");
        return await StartAsync(server, key, Path.GetFileName(run.Path), stage, Console.Error, cancellationToken);
    }

    /// <summary>Starts a run named <paramref name="name"/> on the dashboard at <paramref name="server"/>.</summary>
    public static async Task<LiveMetrics> StartAsync(Uri server, string token, string name, string stage, TextWriter warnings,
        CancellationToken cancellationToken) =>
        new(await TrainingTelemetryClient.StartRunAsync(server, token, name, stage, cancellationToken: cancellationToken), warnings);

    public async ValueTask DisposeAsync()
    {
        if (_client is not null) await _client.DisposeAsync();
    }
}
