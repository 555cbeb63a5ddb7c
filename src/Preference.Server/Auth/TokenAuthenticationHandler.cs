using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Preference.Store;

namespace Preference.Server.Auth;

/// <summary>
/// Bearer tokens issued by the store. Browsers cannot set headers on WebSocket requests, so SignalR hub
/// connections may pass the token as <c>access_token</c> in the query string instead.
/// </summary>
public sealed class TokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, PreferenceStore store)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Bearer";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? token = null;
        var header = Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) token = header["Bearer ".Length..].Trim();
        else if (Request.Path.StartsWithSegments("/hubs")) token = Request.Query["access_token"];
        if (string.IsNullOrEmpty(token)) return Task.FromResult(AuthenticateResult.NoResult());

        var annotator = store.Annotators.Authenticate(token);
        if (annotator is null)
        {
            // One line per rejected attempt, never the token itself (it may be a real token mistyped by one character).
            Logger.LogWarning("Rejected an unknown or revoked token from {Address} for {Method} {Path}",
                Context.Connection.RemoteIpAddress, Request.Method, Request.Path);
            return Task.FromResult(AuthenticateResult.Fail("unknown or revoked token"));
        }
        var identity = new ClaimsIdentity(
        [
            new Claim(ClaimTypes.NameIdentifier, annotator.Id),
            new Claim(ClaimTypes.Name, annotator.Name),
            new Claim(ClaimTypes.Role, annotator.Role.ToString()),
            new Claim(CallerExtensions.TokenHashClaim, annotator.TokenHash),
        ], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }
}
