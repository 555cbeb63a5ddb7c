namespace Preference.Models.Tokenization;

/// <summary>
/// Prints generated tokens as they come. Decoding each token alone is wrong twice over: a character split across
/// byte-fallback tokens (&lt;0xE6&gt;&lt;0x97&gt;&lt;0xA5&gt;) would print as garbage, and SentencePiece drops the
/// leading space of whatever it decodes first. So we decode a short window that starts at an already printed
/// token and emit only the new suffix, holding it back while it ends in an incomplete character.
/// </summary>
public sealed class TokenStreamDecoder(ModelTokenizer tokenizer)
{
    // A UTF-8 character spans at most 4 byte tokens; past that the replacement character is real, not pending.
    const int MaxPendingTokens = 4;

    readonly List<int> _ids = [];
    int _prefixStart;   // first id of the window; its text was printed already
    int _printedEnd;    // ids before this have been printed

    /// <summary>Adds one generated id; returns the text now safe to print (often empty while a character is incomplete).</summary>
    public string Push(int id)
    {
        _ids.Add(id);
        return Emit(force: false);
    }

    /// <summary>Whatever is still held back, at the end of generation.</summary>
    public string Flush() => Emit(force: true);

    /// <summary>All text printed or pending so far.</summary>
    public string Text => tokenizer.Decode(_ids);

    string Emit(bool force)
    {
        if (_printedEnd == _ids.Count) return "";
        string printed = tokenizer.Decode(Window(_prefixStart, _printedEnd));
        string current = tokenizer.Decode(Window(_prefixStart, _ids.Count));
        bool incomplete = current.Length > 0 && current[^1] == '\uFFFD' && _ids.Count - _printedEnd < MaxPendingTokens;
        if (!force && (incomplete || current.Length <= printed.Length && !current.StartsWith(printed, StringComparison.Ordinal)))
            return "";
        string delta = current.Length > printed.Length ? current[printed.Length..] : "";
        _prefixStart = _printedEnd;
        _printedEnd = _ids.Count;
        return delta;
    }

    IEnumerable<int> Window(int start, int end)
    {
        for (int i = start; i < end; i++) yield return _ids[i];
    }
}
