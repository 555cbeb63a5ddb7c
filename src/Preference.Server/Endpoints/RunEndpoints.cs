using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.SignalR;
using Preference.Core.Domain;
using Preference.Server.Auth;
using Preference.Server.Contracts;
using Preference.Server.Hubs;
using Preference.Store;

namespace Preference.Server.Endpoints;

/// <summary>
/// Training runs over plain HTTP, for trainers that would rather not hold a SignalR connection; what they post is
/// stored and pushed to dashboards exactly as if it came through <see cref="TrainingHub"/>.
/// </summary>
public static class RunEndpoints
{
    public static void MapRunEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/runs").WithTags("Training");
        group.MapGet("/", (PreferenceStore store) => store.Runs.All()).RequireAuthorization(Policies.Admin);
        group.MapGet("/{runId}/metrics", (string runId, PreferenceStore store) => store.Runs.Metrics(runId)).RequireAuthorization(Policies.Admin);
        group.MapPost("/", Start).RequireAuthorization(Policies.Publisher);
        group.MapPost("/{runId}/metrics", Publish).RequireAuthorization(Policies.Publisher);
    }

    private static async Task<IResult> Start(StartRunRequest request, HttpContext context, PreferenceStore store, IHubContext<TrainingHub> hub)
    {
        var run = await TrainingHub.StartRun(store, hub.Clients, context.User, request);
        return Results.Created($"/api/runs/{run.Id}", run);
    }

    private static async Task<IResult> Publish(string runId, MetricsAtStep metrics, HttpContext context, PreferenceStore store, IHubContext<TrainingHub> hub)
    {
        await TrainingHub.Publish(store, hub.Clients, context.User, runId, metrics);
        return Results.NoContent();
    }
}
