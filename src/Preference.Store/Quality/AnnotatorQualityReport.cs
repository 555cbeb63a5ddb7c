using Preference.Core.Agreement;
using Preference.Core.Domain;

namespace Preference.Store.Quality;

/// <summary>Per-annotator quality and effort of a campaign (see <see cref="AnnotatorQuality"/> for each number).</summary>
public static class AnnotatorQualityReport
{
    public static IReadOnlyList<AnnotatorQuality> Compute(CampaignRecords records)
    {
        var ordinary = records.Annotations.Where(a => !records.Gold.ContainsKey(a.TaskId)).ToList();
        var humans = ordinary.Where(a => !records.IsJudge(a)).ToList();
        var humanTable = RatingTable.FromRows(CampaignRecords.PairRows(humans));
        var peer = ConsensusAgreement.PerRater(humanTable).ToDictionary(r => r.Rater);
        var labelsByRater = CampaignRecords.PairRows(ordinary).GroupBy(r => r.Rater)
            .ToDictionary(g => g.Key, g => g.ToDictionary(r => r.Item, r => r.Label));
        var judges = ordinary.Where(records.IsJudge).Select(a => a.AnnotatorId).Distinct().Order(StringComparer.Ordinal).ToList();
        var skips = records.OffersById.Values.Where(o => o.State == AssignmentState.Skipped)
            .GroupBy(o => o.AnnotatorId).ToDictionary(g => g.Key, g => g.Count());

        var rows = new List<AnnotatorQuality>();
        var raters = records.Annotations.Select(a => a.AnnotatorId).Union(skips.Keys).Distinct().Order(StringComparer.Ordinal);
        foreach (var rater in raters)
        {
            var own = records.Annotations.Where(a => a.AnnotatorId == rater).ToList();
            var gold = own.Where(a => records.Gold.ContainsKey(a.TaskId))
                .Select(a => (Share: RankingAgreement.PairShare(a.Ranking, records.Gold[a.TaskId].Ranking),
                              Tau: RankingAgreement.KendallTauB(a.Ranking, records.Gold[a.TaskId].Ranking)))
                .ToList();
            var peerRow = own.FirstOrDefault() is { } first && records.IsJudge(first)
                ? JudgeVsHumans(humans, ordinary.Where(a => a.AnnotatorId == rater), rater)
                : peer.GetValueOrDefault(rater);
            var judgeAgreement = new Dictionary<string, double>();
            foreach (var judge in judges.Where(j => j != rater))
                if (Overlap(labelsByRater.GetValueOrDefault(rater), labelsByRater.GetValueOrDefault(judge)) is { } share)
                    judgeAgreement[judge] = share;
            int skipped = skips.GetValueOrDefault(rater);
            var active = own.Select(a => ActiveTime.Of(a, records.OfferOf(a)).TotalSeconds).Order().ToList();
            var shownFirst = own.Select(a => (Offer: a.ShownOrder, a.Ranking)).Where(x => x.Offer.Count > 0).ToList();
            var annotator = records.Annotators.GetValueOrDefault(rater);
            rows.Add(new AnnotatorQuality(
                rater, annotator?.Name ?? rater, annotator?.Kind ?? own.FirstOrDefault()?.AnnotatorKind ?? AnnotatorKind.Human,
                own.Count, skipped, gold.Count,
                MeanOrNull(gold.Select(g => g.Share)), MeanOrNull(gold.Select(g => g.Tau)),
                peerRow is { Items: > 0 } ? peerRow.Rate : null, peerRow?.Items ?? 0,
                judgeAgreement,
                active.Count == 0 ? null : Median(active),
                own.Count + skipped == 0 ? null : (double)skipped / (own.Count + skipped),
                own.Count == 0 ? null : own.Count(a => a.Ranking.Tiers.Any(t => t.Count > 1)) / (double)own.Count,
                shownFirst.Count == 0 ? null : shownFirst.Count(x => x.Ranking.Tiers[0] is [var top] && top == x.Offer[0]) / (double)shownFirst.Count,
                shownFirst.Count == 0 ? null : shownFirst.Average(x => 1.0 / x.Offer.Count),
                Weight: 0));
        }
        return QualityWeights.Assign(rows);
    }

    /// <summary>A judge against the majority of the humans: the judge added to the human table, its own row read back.</summary>
    private static RaterAgreement? JudgeVsHumans(IReadOnlyList<Annotation> humans, IEnumerable<Annotation> judge, string judgeId)
    {
        var table = RatingTable.FromRows(CampaignRecords.PairRows(humans.Concat(judge)));
        return ConsensusAgreement.PerRater(table).FirstOrDefault(r => r.Rater == judgeId);
    }

    private static double? Overlap(Dictionary<string, string>? a, Dictionary<string, string>? b)
    {
        if (a is null || b is null) return null;
        int shared = 0, same = 0;
        foreach (var (item, label) in a)
        {
            if (!b.TryGetValue(item, out var other)) continue;
            shared++;
            if (other == label) same++;
        }
        return shared == 0 ? null : (double)same / shared;
    }

    private static double? MeanOrNull(IEnumerable<double> values)
    {
        var finite = values.Where(double.IsFinite).ToList();
        return finite.Count == 0 ? null : finite.Average();
    }

    private static double Median(IReadOnlyList<double> sorted) =>
        sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
}
