using Preference.Core.Agreement;
using Preference.Core.Domain;

namespace Preference.Store.Quality;

/// <summary>Human agreement with the suggestion judge on tasks where its ranking was shown, and where it was held back.</summary>
/// <param name="Shown">Rankings made with the suggestion on screen.</param>
/// <param name="Withheld">Rankings of tasks the judge had ranked, made without seeing it.</param>
/// <param name="AnchoringGap">Shown minus withheld agreement: how much seeing the judge pulls people towards it.</param>
public sealed record AnchoringReport(string? JudgeId, AnchoringHalf Shown, AnchoringHalf Withheld, double? AnchoringGap)
{
    public static AnchoringReport Compute(CampaignRecords records)
    {
        var judgeId = records.Campaign.SuggestionJudgeId;
        var judged = records.Annotations.Where(a => a.AnnotatorId == judgeId).ToDictionary(a => a.TaskId);
        var shown = new List<Annotation>();
        var withheld = new List<Annotation>();
        foreach (var annotation in records.Annotations)
        {
            if (records.IsJudge(annotation) || !judged.ContainsKey(annotation.TaskId)) continue;
            var state = records.OfferOf(annotation)?.Suggestion;
            if (state == SuggestionState.Shown) shown.Add(annotation);
            else if (state == SuggestionState.Withheld) withheld.Add(annotation);
        }
        var s = Half(shown, judged);
        var w = Half(withheld, judged);
        return new AnchoringReport(judgeId, s, w, s.PairAgreement - w.PairAgreement);
    }

    private static AnchoringHalf Half(List<Annotation> annotations, Dictionary<string, Annotation> judged)
    {
        if (annotations.Count == 0) return new AnchoringHalf(0, null, null);
        var shares = annotations.Select(a => RankingAgreement.PairShare(a.Ranking, judged[a.TaskId].Ranking)).Where(double.IsFinite).ToList();
        int identical = annotations.Count(a => RankingAgreement.PairShare(a.Ranking, judged[a.TaskId].Ranking) == 1);
        return new AnchoringHalf(annotations.Count, shares.Count == 0 ? null : shares.Average(), (double)identical / annotations.Count);
    }
}

/// <param name="PairAgreement">Mean share of response pairs labelled as the judge labelled them.</param>
/// <param name="IdenticalRate">Share of rankings identical to the judge's.</param>
public sealed record AnchoringHalf(int Rankings, double? PairAgreement, double? IdenticalRate);
