using System.Security.Claims;
using Preference.Core.Domain;
using Preference.Store;

namespace Preference.Server.Auth;

public static class CallerExtensions
{
    /// <summary>The SHA-256 of the token a request presented, so a long-lived connection can be checked against revocation.</summary>
    public const string TokenHashClaim = "pref:token_hash";

    public static string AnnotatorId(this ClaimsPrincipal user) =>
        user.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("request is not authenticated");

    /// <summary>The caller's full identity (kind and metadata travel into their annotations).</summary>
    public static Annotator Annotator(this ClaimsPrincipal user, PreferenceStore store) =>
        store.Annotators.Get(user.AnnotatorId()) ?? throw new InvalidOperationException("token identity vanished");
}
