using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Preference.Core.Agreement;
using Preference.Store;
using Preference.Store.Quality;

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
        var rows = CampaignRecords.PairRows(store.Collections.Annotations.FindBy("campaignId", campaignId));
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
