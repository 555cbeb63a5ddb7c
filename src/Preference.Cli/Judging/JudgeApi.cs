using System.CommandLine;
using System.Net.Http.Headers;
using Preference.Cli.Serving;

namespace Preference.Cli.Judging;

/// <summary>
/// The connection a judge run uses: the server's queue, authenticated as the judge itself, because annotations are
/// stored under the identity that submits them (an admin token would file the verdicts under the admin).
/// </summary>
public static class JudgeApi
{
    public static Option<string?> TokenOption { get; } = new("--token")
    {
        Description = "Bearer token of the judge's annotator (created by an admin with kind \"judge\"; default: $PREF_TOKEN)",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("PREF_TOKEN"),
    };

    public static HttpClient Create(ParseResult parse)
    {
        var token = parse.GetValue(TokenOption);
        if (string.IsNullOrWhiteSpace(token)) throw new CliException("--token: the judge annotator's token is required with --campaign (or set PREF_TOKEN)");
        if (!Uri.TryCreate(parse.GetValue(ApiConnection.ServerOption), UriKind.Absolute, out var server))
            throw new CliException($"--server: '{parse.GetValue(ApiConnection.ServerOption)}' is not an absolute URL");
        var client = new HttpClient { BaseAddress = server, Timeout = TimeSpan.FromMinutes(2) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}
