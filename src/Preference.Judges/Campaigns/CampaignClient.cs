using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Preference.Core.Domain;
using Preference.Core.Rankings;

namespace Preference.Judges.Campaigns;

/// <summary>A task offered by the server's queue, as the judge needs it.</summary>
public sealed record OfferedTask(string TaskId, JudgeTask Task);

/// <summary>
/// The annotation loop of the server's HTTP API (see src/Preference.Server/README.md) seen from a judge: fetch the
/// next task reserved for this judge's token, submit a ranking, or skip. The server owns idempotency: a judge is never
/// offered a task it submitted or skipped, and asking again before submitting returns the same reservation.
/// </summary>
public sealed class CampaignClient(HttpClient http, string campaignId)
{
    private readonly string _base = $"api/campaigns/{Uri.EscapeDataString(campaignId)}";

    /// <returns>The next task, or null when nothing is left for this judge.</returns>
    public async Task<OfferedTask?> NextAsync(CancellationToken cancellationToken = default)
    {
        using var response = await http.PostAsync($"{_base}/next", null, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NoContent) return null;
        await EnsureSuccessAsync(response, "fetching the next task", cancellationToken);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        var task = doc.RootElement.GetProperty("task");
        var prompt = task.GetProperty("prompt").Deserialize<Prompt>(PreferenceJson.Options)!;
        var completions = task.GetProperty("completions").EnumerateArray().Select(c => new Candidate(
            c.GetProperty("id").GetString()!,
            c.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String
                ? text.GetString()!
                : string.Join("\n\n", c.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("content").GetString()))))
            .ToList();
        var taskId = task.GetProperty("taskId").GetString()!;
        return new OfferedTask(taskId, new JudgeTask(taskId, prompt.AsPlainText(), completions));
    }

    /// <returns>False when the server already holds this judge's annotation for the task (a resumed run).</returns>
    public async Task<bool> SubmitAsync(string taskId, Ranking ranking, string rationale, IReadOnlyDictionary<string, string> metadata,
        long timeSpentMs, CancellationToken cancellationToken = default)
    {
        var body = new { taskId, ranking, rationale, timeSpentMs, metadata };
        using var response = await http.PostAsJsonAsync($"{_base}/annotations", body, PreferenceJson.Options, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Conflict) return false;
        await EnsureSuccessAsync(response, $"submitting task {taskId}", cancellationToken);
        return true;
    }

    public async Task SkipAsync(string taskId, CancellationToken cancellationToken = default)
    {
        using var response = await http.PostAsync($"{_base}/tasks/{Uri.EscapeDataString(taskId)}/skip", null, cancellationToken);
        await EnsureSuccessAsync(response, $"skipping task {taskId}", cancellationToken);
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode) return;
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        string detail = "";
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.TryGetProperty("detail", out var d)) detail = ": " + d.GetString();
            else if (doc.RootElement.TryGetProperty("title", out var t)) detail = ": " + t.GetString();
        }
        catch (JsonException)
        {
        }
        throw new HttpRequestException($"{what}: server answered {(int)response.StatusCode} {response.ReasonPhrase}{detail}", null, response.StatusCode);
    }
}
