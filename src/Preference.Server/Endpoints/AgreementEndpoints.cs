using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Preference.Core.Agreement;
using Preference.Store;

namespace Preference.Server.Endpoints;

/// <summary>Agreement statistics (from Preference.Core.Agreement) for the admin dashboard.</summary>
public static class AgreementEndpoints
{
    public static void MapAgreementEndpoints(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/campaigns/{campaignId}/agreement", Compute)
            .RequireAuthorization(Auth.Policies.Admin)
            .WithTags("Campaigns");

    private static AgreementReport Compute(string campaignId, PreferenceStore store)
    {
        store.Campaigns.Get(campaignId);
        var rows = new List<(string Item, string Rater, string Label)>();
        foreach (var annotation in store.Collections.Annotations.FindBy("campaignId", campaignId))
        {
            var ids = annotation.Ranking.ResponseIds.Order(StringComparer.Ordinal).ToList();
            for (int i = 0; i < ids.Count; i++)
                for (int j = i + 1; j < ids.Count; j++)
                    rows.Add(($"{annotation.TaskId}/{ids[i]}/{ids[j]}", annotation.AnnotatorId,
                        PairLabels.FromRanking(annotation.Ranking, ids[i], ids[j])));
        }
        var table = RatingTable.FromRows(rows);
        // Agreement needs items that at least two annotators labelled.
        var shared = new RatingTable(table.Items.Where(i => i.LabelsByRater.Count >= 2).ToList());
        var raters = shared.Raters;
        var kappas = new List<PairwiseKappa>();
        for (int i = 0; i < raters.Count; i++)
            for (int j = i + 1; j < raters.Count; j++)
                kappas.Add(new PairwiseKappa(raters[i], raters[j], Safe(() => CohensKappa.Compute(shared, raters[i], raters[j]))));
        return new AgreementReport(
            shared.Items.Count, raters,
            Safe(() => PercentAgreement.Pairwise(shared)),
            Safe(() => FleissKappa.Compute(shared)),
            Safe(() => KrippendorffAlpha.Ordinal(shared, PairLabels.OrdinalScale)),
            shared.Items.Count == 0 ? [] : Safe(() => ConsensusAgreement.PerRater(shared)) ?? [],
            kappas);
    }

    private static double? Safe(Func<double> compute)
    {
        try
        {
            var value = compute();
            return double.IsFinite(value) ? value : null;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or DivideByZeroException)
        {
            return null;
        }
    }

    private static T? Safe<T>(Func<T> compute) where T : class
    {
        try
        {
            return compute();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }
}
