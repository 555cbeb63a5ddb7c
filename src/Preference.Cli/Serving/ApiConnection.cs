using System.CommandLine;
using Preference.Core.Api;

namespace Preference.Cli.Serving;

/// <summary>
/// The options every client command shares (`--server`, `--token`) and the API client built from them. Client
/// commands go through the API because the server process owns the store file; a failed call surfaces as
/// <see cref="PreferenceApiException"/>, which the CLI prints as one line.
/// </summary>
public static class ApiConnection
{
    public static Option<string> ServerOption { get; } = new("--server")
    {
        Description = "Base URL of a running `pref serve` (default: $PREF_SERVER or http://127.0.0.1:5080)",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("PREF_SERVER") ?? "http://127.0.0.1:5080",
    };

    public static Option<string?> TokenOption { get; } = new("--token")
    {
        Description = "Admin bearer token (default: $PREF_TOKEN)",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("PREF_TOKEN"),
    };

    public static PreferenceApiClient Create(ParseResult parse) =>
        new(CreateHttp(parse, TokenOption, "--token: required (or set PREF_TOKEN)", Timeout.InfiniteTimeSpan));

    /// <summary>An authenticated HttpClient for `--server`, with the token from <paramref name="tokenOption"/>.</summary>
    public static HttpClient CreateHttp(ParseResult parse, Option<string?> tokenOption, string missingToken, TimeSpan timeout)
    {
        var token = parse.GetValue(tokenOption);
        if (string.IsNullOrWhiteSpace(token)) throw new CliException(missingToken);
        if (!Uri.TryCreate(parse.GetValue(ServerOption), UriKind.Absolute, out var server))
            throw new CliException($"--server: '{parse.GetValue(ServerOption)}' is not an absolute URL");
        return PreferenceApiClient.CreateHttp(server, token, timeout);
    }
}
