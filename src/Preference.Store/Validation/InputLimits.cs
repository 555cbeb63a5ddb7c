using Preference.Store.Errors;

namespace Preference.Store.Validation;

/// <summary>
/// Upper bounds on what a client may store, so one request cannot bloat the file or every later page that shows it.
/// Each check throws <see cref="StoreValidationException"/> naming the field, before anything is written.
/// </summary>
public static class InputLimits
{
    /// <summary>Names of annotators, campaigns, runs; ids chosen by a client.</summary>
    public const int MaxNameLength = 200;
    /// <summary>Campaign guidelines (markdown).</summary>
    public const int MaxGuidelinesLength = 100_000;
    /// <summary>Entries of a metadata or config map, and the length of its keys and values.</summary>
    public const int MaxMapEntries = 64;
    public const int MaxMapKeyLength = 200;
    public const int MaxMapValueLength = 20_000;
    /// <summary>Annotators a campaign may be restricted to.</summary>
    public const int MaxAllowedAnnotators = 10_000;
    /// <summary>Metrics one step may publish.</summary>
    public const int MaxMetricsPerStep = 1_000;
    /// <summary>How long one submission may say it took: a day (a larger number is a client bug, and sums must not overflow).</summary>
    public const long MaxTimeSpentMs = 24L * 60 * 60 * 1000;
    /// <summary>How long a fetched task may stay reserved: a week.</summary>
    public static readonly TimeSpan MaxReservation = TimeSpan.FromDays(7);

    /// <summary>A required single-line text: present, not blank, at most <paramref name="max"/> characters.</summary>
    public static string Required(string? value, string field, int max = MaxNameLength)
    {
        if (string.IsNullOrWhiteSpace(value)) throw new StoreValidationException(field, "required");
        return Optional(value, field, max)!;
    }

    public static string? Optional(string? value, string field, int max = MaxNameLength)
    {
        if (value is { Length: var length } && length > max)
            throw new StoreValidationException(field, $"must be at most {max} characters, got {length}");
        return value;
    }

    /// <summary>A string map (metadata, config): bounded in entries and in the length of each key and value; no null values.</summary>
    public static void Map(IReadOnlyDictionary<string, string>? map, string field)
    {
        if (map is null) return;
        if (map.Count > MaxMapEntries) throw new StoreValidationException(field, $"must have at most {MaxMapEntries} entries, got {map.Count}");
        foreach (var (key, value) in map)
        {
            if (key.Length > MaxMapKeyLength) throw new StoreValidationException(field, $"key '{key[..20]}…' is longer than {MaxMapKeyLength} characters");
            if (value is null) throw new StoreValidationException(field, $"'{key}' has no value");
            if (value.Length > MaxMapValueLength) throw new StoreValidationException(field, $"'{key}' is longer than {MaxMapValueLength} characters");
        }
    }

    /// <summary>An enum value the build knows (JSON accepts any number for an enum).</summary>
    public static T Defined<T>(T value, string field) where T : struct, Enum =>
        Enum.IsDefined(value) ? value
            : throw new StoreValidationException(field, $"'{value}' is not one of: {string.Join(", ", Enum.GetNames<T>().Select(n => char.ToLowerInvariant(n[0]) + n[1..]))}");
}
