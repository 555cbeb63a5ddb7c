using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Preference.Core.Aggregation;
using Preference.Core.Datasets;
using Preference.Store;
using Preference.Store.Errors;
using Preference.Store.Export;
using Preference.Store.Quality;

namespace Preference.Server.Endpoints;

/// <summary>
/// TRL preference JSONL, streamed: <c>GET /api/campaigns/{id}/export?style=standard|conversational
/// &amp;aggregate=majority|bradleyTerry&amp;minAgreement=0.5&amp;weighting=none|quality</c>. Every pair implied by the
/// aggregated k-wise rankings (the adjudicated ranking where a reviewer decided); <c>weighting=quality</c> weighs each
/// annotator's rankings by their measured quality (Store/Quality/QualityWeights).
/// </summary>
public static class ExportEndpoints
{
    public static void MapExportEndpoints(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/campaigns/{campaignId}/export", Export)
            .RequireAuthorization(Auth.Policies.Admin)
            .WithTags("Campaigns")
            .Produces(200, contentType: "application/jsonl");

    private static async Task Export(
        string campaignId, HttpContext context, PreferenceStore store,
        string? style = null, string? aggregate = null, double minAgreement = 0, string? weighting = null,
        CancellationToken cancellationToken = default)
    {
        var exportStyle = QueryEnum.Parse(style, "style", TrlExportStyle.Standard);
        var method = QueryEnum.Parse(aggregate, "aggregate", AggregationMethod.Majority);
        var weights = QueryEnum.Parse(weighting, "weighting", ExportWeighting.None) == ExportWeighting.Quality
            ? AnnotatorQualityReport.Compute(CampaignRecords.Load(store, campaignId)).ToDictionary(q => q.AnnotatorId, q => q.Weight)
            : null;
        if (!double.IsFinite(minAgreement) || minAgreement is < 0 or > 1)
            throw new StoreValidationException("minAgreement", "must be within [0, 1]");
        store.Campaigns.Get(campaignId);
        context.Response.ContentType = "application/jsonl; charset=utf-8";
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"{campaignId}-{exportStyle.ToString().ToLowerInvariant()}.jsonl\"";
        var pairs = new PreferenceExporter(store.Collections).ExportAsync(campaignId, method, minAgreement, weights, cancellationToken);
        await TrlPreferenceWriter.WriteAsync(context.Response.Body, pairs, exportStyle, cancellationToken);
    }
}
