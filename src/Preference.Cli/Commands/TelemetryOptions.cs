using System.CommandLine;
using Preference.Cli.Serving;
using Preference.Training.Telemetry;

namespace Preference.Cli.Commands;

/// <summary>--server and --token: every training command can publish its metrics live to a running `pref serve`'s dashboard.</summary>
public static class TelemetryOptions
{
    public static readonly Option<Uri?> Server = new("--server") { Description = "Also publish metrics to a running `pref serve` (e.g. http://localhost:5000)" };

    public static readonly Option<string?> Token = new("--token") { Description = "API token with role admin or trainer (default: $PREF_TOKEN)" };

    /// <summary>Connects to the server's training channel for one run, or returns null when no server was named.</summary>
    public static async Task<TrainingTelemetryClient?> StartAsync(Uri? server, string? token, string runName, string stage,
        CancellationToken cancellationToken) =>
        server is null
            ? null
            : await TrainingTelemetryClient.StartRunAsync(server, token ?? Environment.GetEnvironmentVariable("PREF_TOKEN")
                  ?? throw new CliException("--server needs --token or $PREF_TOKEN"), runName, stage, cancellationToken: cancellationToken);
}
