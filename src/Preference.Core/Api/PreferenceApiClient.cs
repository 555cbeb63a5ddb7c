using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Preference.Core.Datasets;
using Preference.Core.Domain;

namespace Preference.Core.Api;

/// <summary>
/// The Preference server's HTTP API as typed calls, for every process that is not the server (the CLI, judges, the
/// quickstart): bearer authentication, the project's JSON dialect, and failures as <see cref="PreferenceApiException"/>.
/// It lives in Core because the judges reach the server and depend on Core alone; it needs only System.Net.Http.
/// </summary>
public sealed class PreferenceApiClient(HttpClient http)
{
    /// <summary>The underlying client (base address and token set), for calls this class does not wrap.</summary>
    public HttpClient Http { get; } = http;

    /// <summary>An HttpClient for <paramref name="server"/> that presents <paramref name="token"/> on every request.</summary>
    public static HttpClient CreateHttp(Uri server, string token, TimeSpan timeout)
    {
        var client = new HttpClient { BaseAddress = server, Timeout = timeout };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <returns>The next task reserved for the caller, or null when nothing is left for them.</returns>
    public async Task<NextTaskResponse?> NextTaskAsync(string campaignId, CancellationToken cancellationToken = default)
    {
        using var response = await Http.PostAsync($"{Campaign(campaignId)}/next", null, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NoContent) return null;
        await PreferenceApiException.ThrowIfFailedAsync(response, "fetching the next task", cancellationToken);
        return await response.Content.ReadFromJsonAsync<NextTaskResponse>(PreferenceJson.Options, cancellationToken)
               ?? throw new HttpRequestException("the server answered an empty task");
    }

    /// <summary>Submits a ranking in the offer's response ids; the server's view of the stored annotation comes back.</summary>
    public async Task<Annotation> SubmitAsync(string campaignId, Submission submission, CancellationToken cancellationToken = default)
    {
        using var response = await Http.PostAsJsonAsync($"{Campaign(campaignId)}/annotations", submission, PreferenceJson.Options, cancellationToken);
        await PreferenceApiException.ThrowIfFailedAsync(response, $"submitting task {submission.TaskId}", cancellationToken);
        return (await response.Content.ReadFromJsonAsync<Annotation>(PreferenceJson.Options, cancellationToken))!;
    }

    public async Task SkipAsync(string campaignId, string taskId, CancellationToken cancellationToken = default)
    {
        using var response = await Http.PostAsync($"{Campaign(campaignId)}/tasks/{Uri.EscapeDataString(taskId)}/skip", null, cancellationToken);
        await PreferenceApiException.ThrowIfFailedAsync(response, $"skipping task {taskId}", cancellationToken);
    }

    /// <summary>Uploads a dataset file (JSONL or a JSON array) into a campaign; all of it is stored or none.</summary>
    public async Task<ImportResult> ImportAsync(string campaignId, Stream dataset, DatasetFormat format, string source, CancellationToken cancellationToken = default)
    {
        using var content = new StreamContent(dataset);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/jsonl");
        using var response = await Http.PostAsync(
            $"{Campaign(campaignId)}/import?format={format}&source={Uri.EscapeDataString(source)}", content, cancellationToken);
        await PreferenceApiException.ThrowIfFailedAsync(response, $"importing {source}", cancellationToken);
        return (await response.Content.ReadFromJsonAsync<ImportResult>(PreferenceJson.Options, cancellationToken))!;
    }

    /// <summary>Streams the campaign's preference pairs (TRL JSONL) into <paramref name="destination"/>.</summary>
    /// <param name="weighting">none (every annotator counts once) or quality (by their measured agreement).</param>
    public async Task ExportAsync(string campaignId, string style, string aggregate, double minAgreement, Stream destination,
        CancellationToken cancellationToken = default, string weighting = "none")
    {
        var url = $"{Campaign(campaignId)}/export?style={Uri.EscapeDataString(style)}&aggregate={Uri.EscapeDataString(aggregate)}" +
                  $"&minAgreement={minAgreement.ToString(CultureInfo.InvariantCulture)}&weighting={Uri.EscapeDataString(weighting)}";
        using var response = await Http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await PreferenceApiException.ThrowIfFailedAsync(response, $"exporting campaign {campaignId}", cancellationToken);
        await response.Content.CopyToAsync(destination, cancellationToken);
    }

    /// <summary>One page of the campaign's ordinary (non-gold) tasks with their content, in import order; empty past the end.</summary>
    public async Task<IReadOnlyList<TaskContentView>> TaskContentsAsync(string campaignId, int offset, int limit, CancellationToken cancellationToken = default)
    {
        using var response = await Http.GetAsync($"{Campaign(campaignId)}/tasks/contents?offset={offset}&limit={limit}", cancellationToken);
        await PreferenceApiException.ThrowIfFailedAsync(response, $"reading the tasks of campaign {campaignId}", cancellationToken);
        return (await response.Content.ReadFromJsonAsync<List<TaskContentView>>(PreferenceJson.Options, cancellationToken))!;
    }

    /// <summary>Stores reward-model scores of tasks (which the uncertainty and judge-disagreement queue orders read); all or none.</summary>
    public async Task<TaskScoresResult> UploadTaskScoresAsync(string campaignId, TaskScoresUpload upload, CancellationToken cancellationToken = default)
    {
        using var response = await Http.PutAsJsonAsync($"{Campaign(campaignId)}/task-scores", upload, PreferenceJson.Options, cancellationToken);
        await PreferenceApiException.ThrowIfFailedAsync(response, $"uploading task scores to campaign {campaignId}", cancellationToken);
        return (await response.Content.ReadFromJsonAsync<TaskScoresResult>(PreferenceJson.Options, cancellationToken))!;
    }

    private static string Campaign(string campaignId) => $"api/campaigns/{Uri.EscapeDataString(campaignId)}";
}
