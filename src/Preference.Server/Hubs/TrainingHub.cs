using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Preference.Core.Domain;
using Preference.Server.Auth;
using Preference.Server.Contracts;
using Preference.Store;

namespace Preference.Server.Hubs;

/// <summary>
/// The training-metrics channel at <c>/hubs/training</c>. Trainer processes call <c>StartRun</c> then
/// <c>Publish</c>; dashboards call <c>Watch(runId)</c> and receive <c>metrics</c> (runId, step, values) and
/// <c>runStarted</c> events. Everything published is stored, so a dashboard opened late draws the whole history.
/// </summary>
[Authorize]
public sealed class TrainingHub(PreferenceStore store) : Hub
{
    public const string Path = "/hubs/training";
    private const string AllRuns = "runs";

    [Authorize(Policy = Policies.Publisher)]
    public Task<TrainingRun> StartRun(StartRunRequest request) => StartRun(store, Clients, Context.User!, request);

    [Authorize(Policy = Policies.Publisher)]
    public Task Publish(string runId, MetricsAtStep metrics) => Publish(store, Clients, Context.User!, runId, metrics);

    [Authorize(Policy = Policies.Admin)]
    public async Task<IReadOnlyList<MetricPoint>> Watch(string runId)
    {
        store.Runs.Get(runId);
        await Groups.AddToGroupAsync(Context.ConnectionId, Group(runId));
        return store.Runs.Metrics(runId);
    }

    [Authorize(Policy = Policies.Admin)]
    public Task WatchRuns() => Groups.AddToGroupAsync(Context.ConnectionId, AllRuns);

    internal static async Task<TrainingRun> StartRun(PreferenceStore store, IHubClients<IClientProxy> clients, ClaimsPrincipal caller, StartRunRequest request)
    {
        var run = await store.Runs.StartAsync(request.Name, request.Stage, request.Config, startedBy: caller.AnnotatorId());
        await clients.Group(AllRuns).SendAsync("runStarted", run);
        return run;
    }

    /// <summary>Stores and pushes one step's metrics; a trainer token may publish only to runs it started, an admin to any.</summary>
    internal static async Task Publish(PreferenceStore store, IHubClients<IClientProxy> clients, ClaimsPrincipal caller, string runId, MetricsAtStep metrics)
    {
        if (metrics?.Values is null) throw new Store.Errors.StoreValidationException("values", "required");
        var now = DateTimeOffset.UtcNow;
        var publisher = caller.IsInRole(nameof(AnnotatorRole.Admin)) ? null : caller.AnnotatorId();
        await store.Runs.AppendAsync(metrics.Values.Select(v => new MetricPoint(runId, metrics.Step, v.Key, v.Value, now)).ToList(), publisher);
        await clients.Group(Group(runId)).SendAsync("metrics", runId, metrics.Step, metrics.Values);
    }

    private static string Group(string runId) => $"run:{runId}";
}
