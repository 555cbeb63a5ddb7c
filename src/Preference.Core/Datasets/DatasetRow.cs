namespace Preference.Core.Datasets;

/// <summary>The outcome of reading one record: the item, or the reason it is unusable, with its 1-based line.</summary>
public sealed record DatasetRow(long Line, ImportItem? Item, string? Error)
{
    public bool IsValid => Error is null;
}
