using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Preference.Server.Auth;
using Preference.Server.Contracts;
using Preference.Store;
using Preference.Store.Errors;

namespace Preference.Server.Endpoints;

/// <summary>
/// Identities and tokens: admins create them, revoke a token (the identity and its annotations stay) and rotate one
/// (a new token, the old one dead at once); anyone can ask who they are.
/// </summary>
public static class AnnotatorEndpoints
{
    public static void MapAnnotatorEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/me", Me).RequireAuthorization().WithTags("Identity");
        var admin = app.MapGroup("/api/annotators").RequireAuthorization(Policies.Admin).WithTags("Identity");
        admin.MapGet("/", List);
        admin.MapPost("/", Create);
        admin.MapPost("/{annotatorId}/revoke", Revoke);
        admin.MapPost("/{annotatorId}/token", Rotate);
    }

    private static AnnotatorView Me(HttpContext context, PreferenceStore store) =>
        AnnotatorView.Of(context.User.Annotator(store));

    private static IEnumerable<AnnotatorView> List(PreferenceStore store) => store.Annotators.All().Select(AnnotatorView.Of);

    private static async Task<IResult> Create(CreateAnnotatorRequest request, PreferenceStore store)
    {
        var issued = await store.Annotators.CreateAsync(request.Name, request.Role, request.Kind, request.Metadata);
        return Results.Created($"/api/annotators/{issued.Annotator.Id}", new IssuedTokenView(AnnotatorView.Of(issued.Annotator), issued.Token));
    }

    /// <summary>The token stops working with this answer; revoking your own would lock you out, so it is refused.</summary>
    private static async Task<AnnotatorView> Revoke(string annotatorId, HttpContext context, PreferenceStore store)
    {
        if (annotatorId == context.User.AnnotatorId())
            throw new StoreConflictException("you cannot revoke your own token; rotate it, or revoke it from another admin");
        return AnnotatorView.Of(await store.Annotators.RevokeAsync(annotatorId));
    }

    /// <summary>A new token for the identity (re-enabling a revoked one); the old token stops working.</summary>
    private static async Task<IssuedTokenView> Rotate(string annotatorId, PreferenceStore store)
    {
        var issued = await store.Annotators.RotateAsync(annotatorId);
        return new IssuedTokenView(AnnotatorView.Of(issued.Annotator), issued.Token);
    }
}
