using System.Net;
using System.Text.Json;

namespace Preference.Core.Api;

/// <summary>
/// A 4xx/5xx answer of the Preference server, read from its ProblemDetails. <see cref="Exception.Message"/> is one
/// line for a person (what was being done, the status, the detail, then the fields to fix); <see cref="Errors"/> keeps
/// the per-field messages for code. An <see cref="HttpRequestException"/>, so callers that handle HTTP failures
/// already handle it.
/// </summary>
public sealed class PreferenceApiException(string message, HttpStatusCode status, string? detail, IReadOnlyDictionary<string, string[]> errors)
    : HttpRequestException(message, null, status)
{
    public string? Detail { get; } = detail;
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;

    /// <summary>Throws for a non-success response; <paramref name="what"/> says what the caller was doing ("importing x.jsonl").</summary>
    public static async Task ThrowIfFailedAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken = default)
    {
        if (response.IsSuccessStatusCode) return;
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        string? detail = null;
        var errors = new Dictionary<string, string[]>();
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                if (root.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String) detail = d.GetString();
                else if (root.TryGetProperty("title", out var t) && t.ValueKind == JsonValueKind.String) detail = t.GetString();
                if (root.TryGetProperty("errors", out var e) && e.ValueKind == JsonValueKind.Object)
                    foreach (var field in e.EnumerateObject())
                        errors[field.Name] = field.Value.ValueKind == JsonValueKind.Array
                            ? field.Value.EnumerateArray().Select(v => v.ToString()).ToArray()
                            : [field.Value.ToString()];
            }
        }
        catch (JsonException)
        {
            // Not ProblemDetails (a proxy's HTML page, say): the status line is all there is to say.
        }
        var message = $"{what}: server answered {(int)response.StatusCode} {response.ReasonPhrase}";
        if (detail is not null) message += $": {detail}";
        // The detail usually names the first field already; list the fields only when there is more to say.
        var fields = errors.Where(f => detail is null || !detail.StartsWith(f.Key + ":", StringComparison.Ordinal)).Take(5)
            .Select(f => $"{f.Key}: {string.Join(", ", f.Value)}").ToList();
        if (fields.Count > 0) message += "; " + string.Join("; ", fields);
        throw new PreferenceApiException(message, response.StatusCode, detail, errors);
    }
}
