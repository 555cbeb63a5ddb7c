namespace Preference.Core.Domain;

/// <summary>
/// An identity that ranks: a human, or an AI judge (kind = Judge, with model/template details in
/// <see cref="Metadata"/>), so judges are just annotators and every statistic treats them alike.
/// </summary>
public sealed record Annotator
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public AnnotatorKind Kind { get; init; } = AnnotatorKind.Human;
    public AnnotatorRole Role { get; init; } = AnnotatorRole.Annotator;
    /// <summary>SHA-256 of the bearer token; the token itself is shown once and never stored.</summary>
    public required string TokenHash { get; init; }
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }
    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;
    /// <summary>When an admin revoked the token; a revoked identity keeps its annotations but its token opens nothing.</summary>
    public DateTimeOffset? RevokedAt { get; init; }
}
