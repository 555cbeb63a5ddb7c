namespace Preference.Models.Tokenization;

/// <summary>
/// Prints generated tokens as they come. Decoding each token alone is wrong twice over: a character split across
/// byte-fallback tokens (&lt;0xE6&gt;&lt;0x97&gt;&lt;0xA5&gt;) would print as garbage, and SentencePiece drops the
/// leading space of whatever it decodes first. So each new token is decoded as a continuation of the tokens before it
/// (<see cref="ModelTokenizer.DecodeContinuation"/>: the prompt for the first, then the last printed ones), and the
/// new text is held back while it ends in an incomplete character.
/// </summary>
public sealed class TokenStreamDecoder
{
    // A UTF-8 character spans at most 4 byte tokens; past that the replacement character is real, not pending.
    const int MaxPendingTokens = 4;

    readonly ModelTokenizer _tokenizer;
    readonly List<int> _ids;
    readonly int _contextCount;  // the prompt's ids at the start of _ids: context, never printed
    int _prefixStart;            // first id of the context for the next piece; its text was printed already
    int _printedEnd;             // ids before this have been printed

    /// <param name="context">The prompt's ids (DecodeContinuation reads only the last few).</param>
    public TokenStreamDecoder(ModelTokenizer tokenizer, IReadOnlyList<int> context)
    {
        _tokenizer = tokenizer;
        _ids = [.. context];
        _contextCount = _printedEnd = _ids.Count;
    }

    /// <summary>Adds one generated id; returns the text now safe to print (often empty while a character is incomplete).</summary>
    public string Push(int id)
    {
        _ids.Add(id);
        return Emit(force: false);
    }

    /// <summary>Whatever is still held back, at the end of generation.</summary>
    public string Flush() => Emit(force: true);

    /// <summary>All text printed or pending so far.</summary>
    public string Text => _tokenizer.DecodeContinuation(_ids[.._contextCount], _ids[_contextCount..]);

    string Emit(bool force)
    {
        if (_printedEnd == _ids.Count) return "";
        string delta = _tokenizer.DecodeContinuation(_ids[_prefixStart.._printedEnd], _ids[_printedEnd..]);
        bool incomplete = delta.Length > 0 && delta[^1] == '\uFFFD' && _ids.Count - _printedEnd < MaxPendingTokens;
        if (!force && incomplete) return "";
        _prefixStart = _printedEnd;
        _printedEnd = _ids.Count;
        return delta;
    }
}
