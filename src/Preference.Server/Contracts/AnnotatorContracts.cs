using Preference.Core.Domain;

namespace Preference.Server.Contracts;

public sealed record CreateAnnotatorRequest
{
    public required string Name { get; init; }
    public AnnotatorRole Role { get; init; } = AnnotatorRole.Annotator;
    public AnnotatorKind Kind { get; init; } = AnnotatorKind.Human;
    /// <summary>For judges: model, promptTemplateVersion, temperature... shown in admin views.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }
}

/// <summary>An identity as the API shows it: never the token hash.</summary>
public sealed record AnnotatorView(string Id, string Name, AnnotatorKind Kind, AnnotatorRole Role,
    IReadOnlyDictionary<string, string>? Metadata, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt)
{
    public static AnnotatorView Of(Annotator a) => new(a.Id, a.Name, a.Kind, a.Role, a.Metadata, a.CreatedAt, a.RevokedAt);
}

/// <summary>Returned once, when a token is created.</summary>
public sealed record IssuedTokenView(AnnotatorView Annotator, string Token);
