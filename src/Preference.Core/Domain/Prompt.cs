namespace Preference.Core.Domain;

/// <summary>
/// What the model was asked: either plain text or a chat transcript (exactly one of <see cref="Text"/> and
/// <see cref="Messages"/> is set), so conversational datasets round-trip without flattening.
/// </summary>
public sealed record Prompt
{
    public required string Id { get; init; }
    public string? Text { get; init; }
    public IReadOnlyList<Message>? Messages { get; init; }
    /// <summary>Where it came from (file name, dataset), kept for provenance in exports.</summary>
    public string? Source { get; init; }
    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;

    /// <summary>A single string for displays that cannot show turns.</summary>
    public string AsPlainText() =>
        Text ?? string.Join("\n\n", (Messages ?? []).Select(m => $"{m.Role}: {m.Content}"));
}
