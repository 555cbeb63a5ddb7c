using System.CommandLine;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Preference.Cli.Serving;

/// <summary>
/// The options every client command shares (`--server`, `--token`) and an HttpClient built from them. Client
/// commands go through the API because the server process owns the store file.
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

    public static HttpClient Create(ParseResult parse)
    {
        var token = parse.GetValue(TokenOption);
        if (string.IsNullOrWhiteSpace(token)) throw new CliException("--token: required (or set PREF_TOKEN)");
        if (!Uri.TryCreate(parse.GetValue(ServerOption), UriKind.Absolute, out var server))
            throw new CliException($"--server: '{parse.GetValue(ServerOption)}' is not an absolute URL");
        var client = new HttpClient { BaseAddress = server, Timeout = Timeout.InfiniteTimeSpan };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Turns a non-success response into one line naming the problem (ProblemDetails' field errors first).</summary>
    public static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode) return;
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        string message = $"{(int)response.StatusCode} {response.ReasonPhrase}";
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.TryGetProperty("detail", out var detail)) message += $": {detail.GetString()}";
            else if (root.TryGetProperty("title", out var title)) message += $": {title.GetString()}";
            if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
                message += "; " + string.Join("; ", errors.EnumerateObject().Take(5)
                    .Select(e => $"{e.Name}: {string.Join(", ", e.Value.EnumerateArray().Select(v => v.GetString()))}"));
        }
        catch (JsonException)
        {
        }
        throw new CliException(message);
    }
}
