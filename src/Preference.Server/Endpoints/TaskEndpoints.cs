using Preference.Core.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Preference.Core.Domain;
using Preference.Server.Auth;
using Preference.Server.Contracts;
using Preference.Store;
using Preference.Store.Errors;
using Preference.Store.Queue;

namespace Preference.Server.Endpoints;

/// <summary>The annotation loop, the same for people and judges: next, then submit or skip; edit the last one.</summary>
public static class TaskEndpoints
{
    public static void MapTaskEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/campaigns/{campaignId}").RequireAuthorization(Policies.Annotate).WithTags("Annotation");
        group.MapPost("/next", Next);
        group.MapPost("/tasks/{taskId}/skip", Skip);
        group.MapPost("/annotations", Submit);
        group.MapGet("/annotations/last", Last);
        group.MapPut("/annotations/last", EditLast);
    }

    private static async Task<IResult> Next(string campaignId, HttpContext context, PreferenceStore store, CancellationToken cancellationToken)
    {
        var me = context.User.AnnotatorId();
        var queue = Open(store, campaignId, me);
        var offer = await queue.NextAsync(me, cancellationToken);
        if (offer is null) return Results.NoContent();
        return Results.Ok(new NextTaskResponse(offer, queue.DoneBy(me), queue.RemainingFor(me)));
    }

    private static async Task<IResult> Skip(string campaignId, string taskId, HttpContext context, PreferenceStore store)
    {
        var me = context.User.AnnotatorId();
        await Open(store, campaignId, me).SkipAsync(me, taskId);
        return Results.NoContent();
    }

    private static async Task<IResult> Submit(string campaignId, Submission submission, HttpContext context, PreferenceStore store)
    {
        var me = context.User.Annotator(store);
        var annotation = await Open(store, campaignId, me.Id).SubmitAsync(me, submission);
        return Results.Created($"/api/campaigns/{campaignId}/annotations/last", annotation);
    }

    private static Annotation Last(string campaignId, HttpContext context, PreferenceStore store)
    {
        var me = context.User.AnnotatorId();
        return Open(store, campaignId, me).LastOf(me) ?? throw new StoreNotFoundException("you have no submission in this campaign");
    }

    private static async Task<Annotation> EditLast(string campaignId, Submission submission, HttpContext context, PreferenceStore store)
    {
        var me = context.User.Annotator(store);
        return await Open(store, campaignId, me.Id).EditLastAsync(me, submission);
    }

    private static CampaignQueue Open(PreferenceStore store, string campaignId, string annotatorId)
    {
        var queue = store.Campaigns.Get(campaignId);
        // Same answer as a missing campaign: annotators learn nothing about campaigns not open to them.
        return queue.Campaign.Allows(annotatorId) ? queue : throw new StoreNotFoundException($"campaign '{campaignId}' does not exist");
    }
}
