using Preference.Core.Domain;

namespace Preference.Core.Datasets;

/// <summary>One candidate response as read from a file, before it gets an id in the store.</summary>
public sealed record ImportCompletion
{
    public string? Text { get; init; }
    public IReadOnlyList<Message>? Messages { get; init; }
    public string? SourceModel { get; init; }
    public IReadOnlyDictionary<string, string>? GenerationParams { get; init; }
}
