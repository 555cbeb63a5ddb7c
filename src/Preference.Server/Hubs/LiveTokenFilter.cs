using Microsoft.AspNetCore.SignalR;
using Preference.Server.Auth;
using Preference.Store;

namespace Preference.Server.Hubs;

/// <summary>
/// A hub connection is authenticated once, when it opens; without this filter a trainer whose token was revoked or
/// rotated could keep publishing over a connection opened before. Every hub call checks that the token the
/// connection presented still opens its identity, and a dead token ends the connection.
/// </summary>
public sealed class LiveTokenFilter(PreferenceStore store) : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        var user = invocationContext.Context.User;
        if (user?.FindFirst(CallerExtensions.TokenHashClaim)?.Value is not { } tokenHash
            || store.Annotators.AuthenticateHash(tokenHash)?.Id != user.AnnotatorId())
        {
            invocationContext.Context.Abort();
            throw new HubException("your token was revoked or replaced; reconnect with a current token");
        }
        return await next(invocationContext);
    }
}
