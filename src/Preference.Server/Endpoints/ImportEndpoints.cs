using Preference.Core.Api;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Preference.Core.Datasets;
using Preference.Server.Contracts;
using Preference.Store;

namespace Preference.Server.Endpoints;

/// <summary>
/// Imports a dataset file (the raw JSONL or JSON array as the request body) into a campaign. The whole body is
/// read and checked first; if any record is bad the answer lists every bad line and nothing is stored. The body is
/// capped by <see cref="ServerOptions.MaxImportBodyBytes"/> (413 beyond it); the records are stored in chunks so
/// annotators' submissions keep committing while a large file goes in.
/// </summary>
public static class ImportEndpoints
{
    private const int MaxReportedErrors = 100;

    public static void MapImportEndpoints(this IEndpointRouteBuilder app) =>
        app.MapPost("/api/campaigns/{campaignId}/import", Import)
            .RequireAuthorization(Auth.Policies.Admin)
            .WithTags("Campaigns")
            .Accepts<string>("application/x-ndjson", "application/jsonl", "application/json", "text/plain");

    private static async Task<IResult> Import(
        string campaignId, HttpContext context, PreferenceStore store, IOptions<ServerOptions> options,
        string? format = null, string? source = null, CancellationToken cancellationToken = default)
    {
        var datasetFormat = QueryEnum.Parse(format, "format", DatasetFormat.Auto);
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            size.MaxRequestBodySize = options.Value.MaxImportBodyBytes;
        store.Campaigns.Get(campaignId); // 404 before reading a large body

        var items = new List<ImportItem>();
        var errors = new Dictionary<string, string[]>();
        int bad = 0;
        try
        {
            await foreach (var row in DatasetReader.ReadAsync(context.Request.Body, datasetFormat, cancellationToken))
            {
                if (row.Item is not null) items.Add(row.Item);
                else if (++bad <= MaxReportedErrors) errors[$"line {row.Line}"] = [row.Error!];
            }
        }
        catch (JsonException e)
        {
            // A JSON array is read as one document, so a cut-off or broken array ends the read instead of one record.
            return Results.ValidationProblem(
                new Dictionary<string, string[]> { ["body"] = [$"the JSON array is malformed after {items.Count + bad} complete item(s): {e.Message.Split(" Path:")[0].Split(" LineNumber")[0]}"] },
                title: "Import rejected; nothing was stored");
        }
        if (bad > 0)
            return Results.ValidationProblem(errors, title: "Import rejected; nothing was stored",
                detail: $"{bad} bad record(s){(bad > MaxReportedErrors ? $", first {MaxReportedErrors} listed" : "")}");
        if (items.Count == 0)
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["no records"] }, title: "Import rejected; nothing was stored");

        var tasks = await store.Campaigns.ImportAsync(campaignId, items, source ?? "upload", cancellationToken: cancellationToken);
        return Results.Ok(new ImportResult(tasks, source ?? "upload"));
    }
}
