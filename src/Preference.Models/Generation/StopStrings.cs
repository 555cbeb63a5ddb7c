using Preference.Models.Tokenization;

namespace Preference.Models.Generation;

/// <summary>Stops a row once its decoded text contains any of the given strings.</summary>
public sealed class StopStrings : IGenerationWatcher
{
    readonly ModelTokenizer _tokenizer;
    readonly IReadOnlyList<string> _stops;
    readonly int _tailTokens;

    public StopStrings(ModelTokenizer tokenizer, IReadOnlyList<string> stops)
    {
        if (stops.Count == 0 || stops.Any(string.IsNullOrEmpty)) throw new ArgumentException("stop strings must be non-empty", nameof(stops));
        _tokenizer = tokenizer;
        _stops = stops;
        // Decoding only the tail keeps the check cheap; every token yields at least one character.
        _tailTokens = MaxLength + 4;
    }

    public int MaxLength => _stops.Max(s => s.Length);

    public bool OnToken(int row, IReadOnlyList<int> generated) =>
        FirstIndexIn(_tokenizer.Decode(generated.Skip(Math.Max(0, generated.Count - _tailTokens)))) is not null;

    /// <summary>Where the earliest stop string starts in <paramref name="text"/>, or null.</summary>
    public int? FirstIndexIn(string text)
    {
        int? first = null;
        foreach (var stop in _stops)
        {
            int at = text.IndexOf(stop, StringComparison.Ordinal);
            if (at >= 0 && (first is null || at < first)) first = at;
        }
        return first;
    }

    /// <summary>The text up to (not including) the first stop string.</summary>
    public string Truncate(string text) => FirstIndexIn(text) is { } cut ? text[..cut] : text;
}
