using Preference.Core.Agreement;
using Preference.Core.Domain;

namespace Preference.Store.Quality;

/// <summary>
/// Everything the quality statistics of one campaign read, loaded once: its annotations, offers (assignments), gold
/// rankings and reviews. Built per report request (an admin action), never on the annotation path.
/// </summary>
public sealed record CampaignRecords(
    Campaign Campaign,
    IReadOnlyList<Annotation> Annotations,
    IReadOnlyDictionary<string, Assignment> OffersById,
    IReadOnlyDictionary<string, GoldRanking> Gold,
    IReadOnlyDictionary<string, Review> Reviews,
    IReadOnlyDictionary<string, Annotator> Annotators)
{
    public static CampaignRecords Load(PreferenceStore store, string campaignId)
    {
        var queue = store.Campaigns.Get(campaignId);
        var c = store.Collections;
        return new CampaignRecords(
            queue.Campaign,
            c.Annotations.FindBy("campaignId", campaignId).ToList(),
            c.Assignments.FindBy("campaignId", campaignId).ToDictionary(a => a.Id),
            queue.GoldRankings(),
            c.Reviews.FindBy("campaignId", campaignId).ToDictionary(r => r.TaskId),
            store.Annotators.All().ToDictionary(a => a.Id));
    }

    /// <summary>The offer an annotation answered (the assignment shares its id).</summary>
    public Assignment? OfferOf(Annotation annotation) => OffersById.GetValueOrDefault(annotation.Id);

    public bool IsJudge(Annotation annotation) => annotation.AnnotatorKind == AnnotatorKind.Judge;

    /// <summary>
    /// One row per (task, response pair, annotator) with the pair label (first/tie/second): the rating table every
    /// agreement statistic of a campaign reads. Item ids are "taskId/a/b" with a &lt; b.
    /// </summary>
    public static IEnumerable<(string Item, string Rater, string Label)> PairRows(IEnumerable<Annotation> annotations)
    {
        foreach (var annotation in annotations)
        {
            var ids = annotation.Ranking.ResponseIds.Order(StringComparer.Ordinal).ToList();
            for (int i = 0; i < ids.Count; i++)
                for (int j = i + 1; j < ids.Count; j++)
                    yield return ($"{annotation.TaskId}/{ids[i]}/{ids[j]}", annotation.AnnotatorId,
                        PairLabels.FromRanking(annotation.Ranking, ids[i], ids[j]));
        }
    }
}
