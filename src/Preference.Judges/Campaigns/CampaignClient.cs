using System.Net;
using Preference.Core.Api;
using Preference.Core.Judging;
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
    private readonly PreferenceApiClient _api = new(http);

    /// <returns>The next task, or null when nothing is left for this judge.</returns>
    public async Task<OfferedTask?> NextAsync(CancellationToken cancellationToken = default)
    {
        if (await _api.NextTaskAsync(campaignId, cancellationToken) is not { Task: var task }) return null;
        var completions = task.Completions
            .Select(c => new Candidate(c.Id, c.Text ?? string.Join("\n\n", (c.Messages ?? []).Select(m => m.Content))))
            .ToList();
        return new OfferedTask(task.TaskId, new JudgeTask(task.TaskId, task.Prompt.AsPlainText(), completions));
    }

    /// <returns>False when the server already holds this judge's annotation for the task (a resumed run).</returns>
    public async Task<bool> SubmitAsync(string taskId, Ranking ranking, string rationale, IReadOnlyDictionary<string, string> metadata,
        long timeSpentMs, CancellationToken cancellationToken = default)
    {
        try
        {
            await _api.SubmitAsync(campaignId, new Submission
            {
                TaskId = taskId, Ranking = ranking, Rationale = rationale, TimeSpentMs = timeSpentMs, Metadata = metadata,
            }, cancellationToken);
            return true;
        }
        catch (PreferenceApiException e) when (e.StatusCode == HttpStatusCode.Conflict)
        {
            return false;
        }
    }

    public Task SkipAsync(string taskId, CancellationToken cancellationToken = default) => _api.SkipAsync(campaignId, taskId, cancellationToken);
}
