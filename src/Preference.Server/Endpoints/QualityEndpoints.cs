using Preference.Core.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Preference.Core.Datasets;
using Preference.Core.Domain;
using Preference.Server.Auth;
using Preference.Server.Contracts;
using Preference.Store;
using Preference.Store.Errors;
using Preference.Store.Quality;
using Preference.Store.Queue;

namespace Preference.Server.Endpoints;

/// <summary>
/// The quality loop, for admins: campaign quality settings, gold tasks (marked or imported), per-annotator quality
/// and effort, agreement over time, and the anchoring report of judge suggestions.
/// </summary>
public static class QualityEndpoints
{
    public const int MaxGoldImportItems = 10_000;
    public const int MaxSeriesBuckets = 100;

    public static void MapQualityEndpoints(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/campaigns/{campaignId}").RequireAuthorization(Policies.Admin).WithTags("Quality");
        admin.MapPut("/quality-settings", UpdateSettings);
        admin.MapGet("/tasks", Tasks);
        admin.MapGet("/gold", Gold);
        admin.MapPut("/gold/{taskId}", MarkGold);
        admin.MapPost("/gold", ImportGold);
        admin.MapGet("/quality", Quality);
        admin.MapGet("/agreement/series", Series);
        admin.MapGet("/anchoring", Anchoring);
    }

    private static async Task<Campaign> UpdateSettings(string campaignId, QualitySettingsRequest request, PreferenceStore store)
    {
        if (request.SuggestionJudgeId is { } judgeId && store.Annotators.Get(judgeId) is not { Kind: AnnotatorKind.Judge })
            throw new StoreValidationException("suggestionJudgeId", $"'{judgeId}' is not a judge (an annotator of kind judge)");
        return await store.Campaigns.UpdateSettingsAsync(campaignId, c => c with
        {
            GoldRate = request.GoldRate,
            ReviewThreshold = request.ReviewThreshold,
            SuggestionJudgeId = request.SuggestionJudgeId,
            SuggestionHoldout = request.SuggestionHoldout,
            QueueOrder = request.QueueOrder,
        });
    }

    private static IEnumerable<TaskView> Tasks(string campaignId, PreferenceStore store)
    {
        var gold = store.Campaigns.Get(campaignId).GoldRankings();
        return store.Collections.Tasks.FindBy("campaignId", campaignId).OrderBy(t => t.Sequence)
            .Select(t => new TaskView(t.Id, t.PromptId, t.CompletionIds, t.Sequence, gold.ContainsKey(t.Id))).ToList();
    }

    private static IEnumerable<GoldRanking> Gold(string campaignId, PreferenceStore store) =>
        store.Campaigns.Get(campaignId).GoldRankings().Values.OrderBy(g => g.CreatedAt);

    private static Task<GoldRanking> MarkGold(string campaignId, string taskId, GoldRankingRequest request, HttpContext context, PreferenceStore store) =>
        store.Campaigns.Get(campaignId).MarkGoldAsync(taskId, request.Ranking, context.User.AnnotatorId());

    /// <summary>
    /// Every item is checked first; any bad one answers 400 listing each (items[i].field) and nothing is stored. The
    /// prompts' source is the same default as an ordinary import's ("upload"), because annotators see a prompt's
    /// source: a source saying "gold" would give gold tasks away.
    /// </summary>
    private static async Task<IResult> ImportGold(string campaignId, IReadOnlyList<GoldImportItem> items, HttpContext context, PreferenceStore store,
        string? source = null)
    {
        var queue = store.Campaigns.Get(campaignId);
        int k = queue.Campaign.ResponsesPerTask;
        var errors = new Dictionary<string, string[]>();
        if (items.Count == 0) errors["items"] = ["no items"];
        if (items.Count > MaxGoldImportItems) errors["items"] = [$"at most {MaxGoldImportItems} per request"];
        for (int i = 0; i < items.Count && errors.Count < 100; i++)
        {
            var item = items[i];
            if (string.IsNullOrWhiteSpace(item.Prompt) && item.Messages is not { Count: > 0 })
                errors[$"items[{i}].prompt"] = ["a prompt or messages is required"];
            if (item.Completions.Count != k)
                errors[$"items[{i}].completions"] = [$"has {item.Completions.Count} completions; this campaign shows {k} per task"];
            else if (QualitySettingsRules.GoldIndices(item.Ranking, k) is { } problem)
                errors[$"items[{i}].ranking"] = [problem];
        }
        if (errors.Count > 0) return Results.ValidationProblem(errors, title: "Gold import rejected; nothing was stored");
        var imports = items.Select(item => new ImportItem
        {
            PromptText = item.Prompt,
            PromptMessages = item.Messages,
            Completions = item.Completions.Select(text => new ImportCompletion { Text = text }).ToList(),
        }).ToList();
        var created = await store.Campaigns.ImportAsync(campaignId, imports, source ?? "upload",
            goldRankings: items.Select(i => i.Ranking).ToList(), importedBy: context.User.AnnotatorId());
        return Results.Ok(new ImportResult(created, source ?? "upload"));
    }

    private static IReadOnlyList<AnnotatorQuality> Quality(string campaignId, PreferenceStore store) =>
        AnnotatorQualityReport.Compute(CampaignRecords.Load(store, campaignId));

    private static IReadOnlyList<AgreementPoint> Series(string campaignId, PreferenceStore store, int buckets = 10)
    {
        if (buckets is < 1 or > MaxSeriesBuckets) throw new StoreValidationException("buckets", $"must be 1..{MaxSeriesBuckets}");
        return AgreementSeries.Compute(CampaignRecords.Load(store, campaignId), buckets);
    }

    private static AnchoringReport Anchoring(string campaignId, PreferenceStore store) =>
        AnchoringReport.Compute(CampaignRecords.Load(store, campaignId));
}
