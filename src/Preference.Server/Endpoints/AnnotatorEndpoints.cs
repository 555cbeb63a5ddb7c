using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Preference.Server.Auth;
using Preference.Server.Contracts;
using Preference.Store;
using Preference.Store.Errors;

namespace Preference.Server.Endpoints;

/// <summary>Identities and tokens: admins create them; anyone can ask who they are.</summary>
public static class AnnotatorEndpoints
{
    public static void MapAnnotatorEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/me", Me).RequireAuthorization().WithTags("Identity");
        var admin = app.MapGroup("/api/annotators").RequireAuthorization(Policies.Admin).WithTags("Identity");
        admin.MapGet("/", List);
        admin.MapPost("/", Create);
    }

    private static AnnotatorView Me(HttpContext context, PreferenceStore store) =>
        AnnotatorView.Of(context.User.Annotator(store));

    private static IEnumerable<AnnotatorView> List(PreferenceStore store) => store.Annotators.All().Select(AnnotatorView.Of);

    private static async Task<IResult> Create(CreateAnnotatorRequest request, PreferenceStore store)
    {
        if (string.IsNullOrWhiteSpace(request.Name)) throw new StoreValidationException("name", "required");
        var issued = await store.Annotators.CreateAsync(request.Name.Trim(), request.Role, request.Kind, request.Metadata);
        return Results.Created($"/api/annotators/{issued.Annotator.Id}", new IssuedTokenView(AnnotatorView.Of(issued.Annotator), issued.Token));
    }
}
