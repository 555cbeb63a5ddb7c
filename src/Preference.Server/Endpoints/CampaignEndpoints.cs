using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Preference.Core.Domain;
using Preference.Server.Auth;
using Preference.Server.Contracts;
using Preference.Store;
using Preference.Store.Queue;
using Preference.Store.Validation;

namespace Preference.Server.Endpoints;

/// <summary>
/// Campaigns: admins create and inspect them; annotators see only the campaigns open to them, with their own
/// progress and never anyone else's.
/// </summary>
public static class CampaignEndpoints
{
    public static void MapCampaignEndpoints(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/campaigns").RequireAuthorization(Policies.Admin).WithTags("Campaigns");
        admin.MapGet("/", List);
        admin.MapPost("/", Create);
        admin.MapGet("/{campaignId}", Get);
        admin.MapGet("/{campaignId}/progress", Progress);
        admin.MapGet("/{campaignId}/annotations", Annotations);

        var mine = app.MapGroup("/api/my/campaigns").RequireAuthorization(Policies.Annotate).WithTags("Annotation");
        mine.MapGet("/", MyCampaigns);
        mine.MapGet("/{campaignId}", MyCampaign);
    }

    private static IEnumerable<CampaignView> List(PreferenceStore store) =>
        store.Campaigns.All().Select(c => View(store.Campaigns.Get(c.Id)));

    private static CampaignView Get(string campaignId, PreferenceStore store) => View(store.Campaigns.Get(campaignId));

    private static CampaignProgress Progress(string campaignId, PreferenceStore store) => store.Campaigns.Get(campaignId).Progress();

    /// <summary>Every annotation of the campaign (optionally one annotator's), for audits and per-annotator review.</summary>
    private static IEnumerable<Annotation> Annotations(string campaignId, PreferenceStore store, string? annotatorId = null)
    {
        store.Campaigns.Get(campaignId);
        var all = store.Collections.Annotations.FindBy("campaignId", campaignId);
        // Read to the end here: a LiteDB cursor holds a read lock on the thread that opened it, and the response
        // writer may resume the enumeration on another thread, leaving the lock behind (a later query on the first
        // thread then fails with a LockRecursionException).
        return (annotatorId is null ? all : all.Where(a => a.AnnotatorId == annotatorId)).ToList();
    }

    private static async Task<IResult> Create(CreateCampaignRequest request, PreferenceStore store)
    {
        if (!double.IsFinite(request.ReservationMinutes) || request.ReservationMinutes <= 0
            || request.ReservationMinutes > InputLimits.MaxReservation.TotalMinutes)
            throw new Store.Errors.StoreValidationException("reservationMinutes",
                $"must be a positive number of minutes, at most {InputLimits.MaxReservation.TotalMinutes} (a week)");
        var campaign = await store.Campaigns.CreateAsync(new Campaign
        {
            Id = request.Id ?? "",
            Name = request.Name,
            Guidelines = request.Guidelines,
            ResponsesPerTask = request.ResponsesPerTask,
            Overlap = request.Overlap,
            AllowedAnnotatorIds = request.AllowedAnnotatorIds ?? [],
            ReservationTimeout = TimeSpan.FromMinutes(request.ReservationMinutes),
            QueueOrder = request.QueueOrder,
        });
        return Results.Created($"/api/campaigns/{campaign.Id}", View(store.Campaigns.Get(campaign.Id)));
    }

    private static IEnumerable<AnnotatorCampaignView> MyCampaigns(HttpContext context, PreferenceStore store)
    {
        var me = context.User.AnnotatorId();
        return store.Campaigns.All().Where(c => c.Allows(me)).Select(c => Mine(store.Campaigns.Get(c.Id), me));
    }

    private static AnnotatorCampaignView MyCampaign(string campaignId, HttpContext context, PreferenceStore store)
    {
        var me = context.User.AnnotatorId();
        var queue = store.Campaigns.Get(campaignId);
        if (!queue.Campaign.Allows(me)) throw new Store.Errors.StoreNotFoundException($"campaign '{campaignId}' does not exist");
        return Mine(queue, me);
    }

    private static AnnotatorCampaignView Mine(CampaignQueue queue, string annotatorId) => new(
        queue.Campaign.Id, queue.Campaign.Name, queue.Campaign.Guidelines, queue.Campaign.ResponsesPerTask,
        queue.DoneBy(annotatorId), queue.RemainingFor(annotatorId));

    private static CampaignView View(CampaignQueue queue)
    {
        var p = queue.Progress();
        return new CampaignView(queue.Campaign, p.Tasks, p.TasksDone, p.Annotations);
    }
}
