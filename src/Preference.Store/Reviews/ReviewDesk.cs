using Preference.Core.Api;
using Preference.Core.Agreement;
using Preference.Core.Domain;
using Preference.Store.Errors;
using Preference.Store.Queue;

namespace Preference.Store.Reviews;

/// <summary>
/// The review queue: ordinary tasks ranked by at least two humans whose disagreement exceeds the campaign's review
/// threshold, and the reviewers' decisions on them. A decision is stored beside the annotations (which stay as they
/// were) and the export reads it instead of aggregating.
/// </summary>
public sealed class ReviewDesk(PreferenceCollections collections, StoreWriter writer, CampaignQueues campaigns, TimeProvider time)
{
    public const int MaxNoteLength = 20_000;
    // Decisions on one store go one at a time, so two reviewers cannot both decide the same task.
    private readonly SemaphoreSlim _deciding = new(1, 1);

    /// <summary>Tasks waiting for review, most disagreed first.</summary>
    public IReadOnlyList<ReviewCase> Pending(string campaignId)
    {
        var queue = campaigns.Get(campaignId);
        if (queue.Campaign.ReviewThreshold is not { } threshold) return [];
        var gold = queue.GoldRankings();
        var reviewed = collections.Reviews.FindBy("campaignId", campaignId).Select(r => r.TaskId).ToHashSet();
        return collections.Annotations.FindBy("campaignId", campaignId)
            .Where(a => a.AnnotatorKind == AnnotatorKind.Human && !gold.ContainsKey(a.TaskId) && !reviewed.Contains(a.TaskId))
            .GroupBy(a => a.TaskId)
            .Select(g => (TaskId: g.Key, Annotations: g.ToList(), Disagreement: Disagreement(g.ToList())))
            .Where(t => t.Disagreement > threshold)
            .OrderByDescending(t => t.Disagreement).ThenBy(t => t.TaskId, StringComparer.Ordinal)
            .Select(t => Case(queue.Campaign, t.TaskId, t.Annotations, t.Disagreement, null))
            .ToList();
    }

    /// <summary>One task with its rankings and its decision, if any.</summary>
    public ReviewCase Get(string campaignId, string taskId)
    {
        var queue = campaigns.Get(campaignId);
        var task = collections.Tasks.Get(taskId);
        if (task is null || task.CampaignId != campaignId) throw new StoreNotFoundException($"task '{taskId}' is not in campaign '{campaignId}'");
        var annotations = HumanAnnotations(campaignId, taskId);
        return Case(queue.Campaign, taskId, annotations, Disagreement(annotations), collections.Reviews.Get(taskId));
    }

    public async Task<Review> DecideAsync(string campaignId, string reviewerId, ReviewRequest request)
    {
        var queue = campaigns.Get(campaignId);
        if (string.IsNullOrWhiteSpace(request.TaskId)) throw new StoreValidationException("taskId", "required");
        if (request.Note is { Length: > MaxNoteLength }) throw new StoreValidationException("note", $"must be at most {MaxNoteLength} characters");
        await _deciding.WaitAsync();
        try
        {
            var task = collections.Tasks.Get(request.TaskId);
            if (task is null || task.CampaignId != campaignId)
                throw new StoreValidationException("taskId", $"task '{request.TaskId}' is not in campaign '{campaignId}'");
            if (collections.Reviews.Get(request.TaskId) is not null)
                throw new StoreConflictException($"task '{request.TaskId}' is already reviewed");
            var annotations = HumanAnnotations(campaignId, request.TaskId);
            if (!NeedsReview(queue, request.TaskId, annotations, out var why))
                throw new StoreValidationException("taskId", $"task '{request.TaskId}' needs no review: {why}");
            var ranking = request.Decision switch
            {
                ReviewDecision.Accept => (annotations.FirstOrDefault(a => a.Id == request.AnnotationId)
                    ?? throw new StoreValidationException("annotationId", request.AnnotationId is null
                        ? "required when accepting a ranking"
                        : $"'{request.AnnotationId}' is not an annotation of task '{request.TaskId}'")).Ranking,
                ReviewDecision.Own => request.Ranking is { } own
                    ? own.Validate(task.CompletionIds) is { } problem ? throw new StoreValidationException("ranking", problem) : own
                    : throw new StoreValidationException("ranking", "required when writing your own ranking"),
                ReviewDecision.Discard => null,
                _ => throw new StoreValidationException("decision", "must be accept, own or discard"),
            };
            var review = new Review
            {
                TaskId = request.TaskId,
                CampaignId = campaignId,
                ReviewerId = reviewerId,
                Decision = request.Decision,
                AcceptedAnnotationId = request.Decision == ReviewDecision.Accept ? request.AnnotationId : null,
                Ranking = ranking,
                Note = request.Note ?? "",
                ReviewedAt = time.GetUtcNow(),
            };
            await writer.WriteAsync(() => collections.Reviews.Insert(review));
            return review;
        }
        finally
        {
            _deciding.Release();
        }
    }

    /// <summary>1 minus the mean pair agreement over every two of the rankings; 0 with fewer than two.</summary>
    public static double Disagreement(IReadOnlyList<Annotation> annotations)
    {
        var shares = new List<double>();
        for (int i = 0; i < annotations.Count; i++)
            for (int j = i + 1; j < annotations.Count; j++)
                if (RankingAgreement.PairShare(annotations[i].Ranking, annotations[j].Ranking) is var s && double.IsFinite(s)) shares.Add(s);
        return shares.Count == 0 ? 0 : 1 - shares.Average();
    }

    private static bool NeedsReview(CampaignQueue queue, string taskId, IReadOnlyList<Annotation> annotations, out string why)
    {
        why = "";
        if (queue.Campaign.ReviewThreshold is not { } threshold) why = "review is off in this campaign";
        else if (queue.GoldRankings().ContainsKey(taskId)) why = "it is a gold task";
        else if (annotations.Count < 2) why = $"it has {annotations.Count} human ranking(s); disagreement needs two";
        else if (Disagreement(annotations) is var d && d <= threshold) why = $"disagreement {d:0.###} is within the threshold {threshold:0.###}";
        return why.Length == 0;
    }

    private List<Annotation> HumanAnnotations(string campaignId, string taskId) =>
        collections.Annotations.FindBy("campaignId", campaignId)
            .Where(a => a.TaskId == taskId && a.AnnotatorKind == AnnotatorKind.Human).ToList();

    private ReviewCase Case(Campaign campaign, string taskId, IReadOnlyList<Annotation> annotations, double disagreement, Review? decision)
    {
        var task = collections.Tasks.Get(taskId) ?? throw new StoreNotFoundException($"task '{taskId}' is missing");
        var prompt = collections.Prompts.Get(task.PromptId) ?? throw new InvalidDataException($"prompt '{task.PromptId}' is missing");
        var completions = task.CompletionIds.Select(id => collections.Completions.Get(id) ?? throw new InvalidDataException($"completion '{id}' is missing"))
            .Select(c => new ShownCompletion(c.Id, c.Text, c.Messages)).ToList();
        return new ReviewCase(taskId, campaign.Id, disagreement, prompt, completions,
            annotations.Select(a => new ReviewedRanking(a.Id, a.AnnotatorId, a.Ranking, a.Rationale)).ToList(), decision);
    }
}
