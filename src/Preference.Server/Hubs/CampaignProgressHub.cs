using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Preference.Server.Auth;
using Preference.Store;
using Preference.Store.Queue;

namespace Preference.Server.Hubs;

/// <summary>
/// Campaign progress for admins at <c>/hubs/progress</c>: <c>Watch(campaignId)</c> returns the current
/// <see cref="CampaignProgress"/> and subscribes to <c>progress</c> events pushed as annotations arrive.
/// </summary>
[Authorize(Policy = Policies.Admin)]
public sealed class CampaignProgressHub(PreferenceStore store) : Hub
{
    public const string Path = "/hubs/progress";

    public async Task<CampaignProgress> Watch(string campaignId)
    {
        var queue = store.Campaigns.Get(campaignId);
        await Groups.AddToGroupAsync(Context.ConnectionId, Group(campaignId));
        return queue.Progress();
    }

    public static string Group(string campaignId) => $"campaign:{campaignId}";
}
