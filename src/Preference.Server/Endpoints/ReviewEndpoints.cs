using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Preference.Core.Domain;
using Preference.Server.Auth;
using Preference.Server.Contracts;
using Preference.Store;
using Preference.Store.Reviews;

namespace Preference.Server.Endpoints;

/// <summary>
/// The review queue, for reviewers (and admins): tasks whose annotators disagree beyond the campaign's threshold,
/// and the decision on each — accept one ranking, write one's own, or discard — with a note.
/// </summary>
public static class ReviewEndpoints
{
    public static void MapReviewEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/reviews/campaigns", Campaigns).RequireAuthorization(Policies.Reviewer).WithTags("Review");
        var group = app.MapGroup("/api/campaigns/{campaignId}/reviews").RequireAuthorization(Policies.Reviewer).WithTags("Review");
        group.MapGet("/", Pending);
        group.MapGet("/{taskId}", Get);
        group.MapPost("/", Decide);
    }

    private static IEnumerable<ReviewCampaignView> Campaigns(PreferenceStore store) =>
        store.Campaigns.All().Where(c => c.ReviewThreshold is not null)
            .Select(c => new ReviewCampaignView(c.Id, c.Name, c.ReviewThreshold!.Value, store.Reviews.Pending(c.Id).Count));

    private static IReadOnlyList<ReviewCase> Pending(string campaignId, PreferenceStore store) => store.Reviews.Pending(campaignId);

    private static ReviewCase Get(string campaignId, string taskId, PreferenceStore store) => store.Reviews.Get(campaignId, taskId);

    private static async Task<IResult> Decide(string campaignId, ReviewRequest request, HttpContext context, PreferenceStore store)
    {
        Review review = await store.Reviews.DecideAsync(campaignId, context.User.AnnotatorId(), request);
        return Results.Created($"/api/campaigns/{campaignId}/reviews/{review.TaskId}", review);
    }
}
