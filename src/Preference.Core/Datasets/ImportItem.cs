using Preference.Core.Domain;

namespace Preference.Core.Datasets;

/// <summary>A prompt and its candidate completions as read from one line (or array item) of a dataset file.</summary>
public sealed record ImportItem
{
    public string? PromptText { get; init; }
    public IReadOnlyList<Message>? PromptMessages { get; init; }
    public required IReadOnlyList<ImportCompletion> Completions { get; init; }
}
