using System.CommandLine;
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

    public static HttpClient Create(ParseResult parse) => ApiConnection.CreateHttp(parse, TokenOption,
        "--token: the judge annotator's token is required with --campaign (or set PREF_TOKEN)", TimeSpan.FromMinutes(2));
}
