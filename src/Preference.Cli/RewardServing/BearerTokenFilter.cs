using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Preference.Cli.RewardServing;

/// <summary>
/// With a token configured, scoring requests must carry <c>Authorization: Bearer TOKEN</c> (compared in constant
/// time); without one, the server is open, as OpenRLHF's serve_rm is, for a trusted cluster network.
/// </summary>
public sealed class BearerTokenFilter(string? token) : IEndpointFilter
{
    readonly byte[]? _expected = token is null ? null : Encoding.UTF8.GetBytes(token);

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (_expected is null) return next(context);
        var header = context.HttpContext.Request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        if (header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header[scheme.Length..].Trim()), _expected))
            return next(context);
        context.HttpContext.Response.Headers.WWWAuthenticate = "Bearer";
        return ValueTask.FromResult<object?>(Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized",
            detail: header.Length == 0 ? "Authorization: a bearer token is required" : "Authorization: the bearer token is not valid"));
    }
}
