using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Hosting;
using Preference.Store;
using Preference.Store.Queue;

namespace Preference.Server.Hubs;

/// <summary>
/// Pushes campaign progress to watching admins at most every <see cref="Interval"/> per campaign: under load
/// thousands of submissions a second would otherwise become thousands of messages to every dashboard.
/// </summary>
public sealed class ProgressBroadcaster(PreferenceStore store, IHubContext<CampaignProgressHub> hub) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);
    private readonly ConcurrentDictionary<string, CampaignQueue> _dirty = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        store.Campaigns.Changed += OnChanged;
        try
        {
            using var timer = new PeriodicTimer(Interval);
            while (await timer.WaitForNextTickAsync(stoppingToken))
                foreach (var id in _dirty.Keys)
                    if (_dirty.TryRemove(id, out var queue))
                        await hub.Clients.Group(CampaignProgressHub.Group(id)).SendAsync("progress", queue.Progress(), stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            store.Campaigns.Changed -= OnChanged;
        }
    }

    private void OnChanged(CampaignQueue queue) => _dirty[queue.Campaign.Id] = queue;
}
