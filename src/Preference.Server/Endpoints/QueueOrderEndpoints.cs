using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Preference.Core.Api;
using Preference.Core.Domain;
using Preference.Server.Auth;
using Preference.Store;
using Preference.Store.Errors;

namespace Preference.Server.Endpoints;

/// <summary>
/// Labelling where it matters, for admins: the task contents a reward model scores outside the server (the server
/// has no model: `pref campaign score` runs it), and the upload of those scores, which the uncertainty and
/// judge-disagreement queue orders read (<see cref="Core.Prioritization.LabelPriority"/>). Scores never reach annotators.
/// </summary>
public static class QueueOrderEndpoints
{
    public const int MaxScoredTasksPerUpload = 10_000;
    public const int MaxContentsPerPage = 1_000;

    public static void MapQueueOrderEndpoints(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/campaigns/{campaignId}").RequireAuthorization(Policies.Admin).WithTags("Queue order");
        admin.MapGet("/tasks/contents", Contents);
        admin.MapPut("/task-scores", Upload);
        admin.MapGet("/task-scores", Scores);
    }

    private static IReadOnlyList<TaskContentView> Contents(string campaignId, PreferenceStore store, int offset = 0, int limit = 500)
    {
        if (offset < 0) throw new StoreValidationException("offset", "must be 0 or more");
        if (limit is < 1 or > MaxContentsPerPage) throw new StoreValidationException("limit", $"must be 1..{MaxContentsPerPage}");
        return store.Campaigns.Get(campaignId).OrdinaryTasks(offset, limit).Select(task =>
        {
            var prompt = store.Collections.Prompts.Get(task.PromptId) ?? throw new InvalidDataException($"prompt '{task.PromptId}' is missing");
            var completions = task.CompletionIds.Select(id => store.Collections.Completions.Get(id) ?? throw new InvalidDataException($"completion '{id}' is missing"))
                .Select(c => new ShownCompletion(c.Id, c.Text, c.Messages)).ToList();
            return new TaskContentView(task.Id, prompt, completions);
        }).ToList();
    }

    private static async Task<TaskScoresResult> Upload(string campaignId, TaskScoresUpload upload, PreferenceStore store)
    {
        var queue = store.Campaigns.Get(campaignId);
        if (upload.Tasks is null or { Count: 0 }) throw new StoreValidationException("tasks", "no tasks");
        if (upload.Tasks.Count > MaxScoredTasksPerUpload)
            throw new StoreValidationException("tasks", $"at most {MaxScoredTasksPerUpload} per request, got {upload.Tasks.Count}");
        var stored = await queue.SetScoresAsync(upload.Tasks.Select(item => item is null ? null! : new TaskScores
        {
            TaskId = item.TaskId, CampaignId = campaignId, CompletionScores = item.CompletionScores,
        }).ToList());
        return new TaskScoresResult(stored);
    }

    private static IReadOnlyList<TaskScoresItem> Scores(string campaignId, PreferenceStore store) =>
        store.Campaigns.Get(campaignId).Scores().Select(s => new TaskScoresItem(s.Key, s.Value)).OrderBy(s => s.TaskId, StringComparer.Ordinal).ToList();
}
