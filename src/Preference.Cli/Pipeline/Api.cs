using Preference.Cli.Serving;

namespace Preference.Cli.Pipeline;

/// <summary>Turns a failed call to the in-process server into one CLI error line with the server's own explanation.</summary>
public static class Api
{
    public static async Task EnsureAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode) return;
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        throw new CliException($"server: could not {what}: {(int)response.StatusCode} {body.ReplaceLineEndings(" ")}");
    }
}
