using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Preference.Server.Security;

/// <summary>
/// Headers on every response (API, UI files, errors, 429s), so the browser enforces what the UI's sanitiser already
/// does: completions are untrusted model output, and a response that smuggled markup past the sanitiser still could
/// not run script, load a remote image (a tracking pixel that tells a third party who is annotating), be framed, or
/// leak the page address.
/// </summary>
public static class SecurityHeaders
{
    /// <summary>
    /// Everything from this server only. The built UI (vite) is one module script and one stylesheet, with no inline
    /// script or style; images only from here or data: URLs; SignalR's WebSocket is same-origin, which 'self' covers.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        // Set when the response starts, not now: the exception handler clears the headers of a failed request.
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            return Task.CompletedTask;
        });
        return next(context);
    });
}
