using System.Buffers;
using System.Collections.ObjectModel;
using System.Text;
using Microsoft.ML.Tokenizers;

namespace Preference.Models.Tokenization;

/// <summary>
/// The tokenizer of llama2.c (<c>tok*.bin</c>) as a Microsoft.ML.Tokenizers <see cref="Tokenizer"/>, reproducing
/// run.c's <c>encode</c> and <c>decode</c>: a dummy " " token first (only for non-empty text), one token per UTF-8
/// code point (up to 4 bytes) or its bytes as <c>&lt;0xXX&gt;</c> = byte + 3 when the code point is not a piece,
/// then score-ordered merging; decoding drops the leading space of the first piece after BOS and renders byte
/// pieces as raw bytes. The library has no reader for this format, hence our own.
/// </summary>
public sealed class Llama2cTokenizer : Tokenizer
{
    public const int UnknownId = 0;
    public const int BosId = 1;
    public const int EosId = 2;

    /// <summary>Byte fallback piece &lt;0xXX&gt; has id XX + 3 (after &lt;unk&gt;, &lt;s&gt;, &lt;/s&gt;).</summary>
    public const int ByteOffset = 3;

    readonly byte[][] _pieces;
    readonly float[] _scores;
    // Keys are the piece bytes widened one byte per char (Latin-1), so lookups are exact byte comparisons even for
    // pieces that are not valid UTF-8 on their own.
    readonly Dictionary<string, int> _idByBytes = new(StringComparer.Ordinal);
    readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _idByBytesSpan;
    readonly Dictionary<long, int> _mergedByPair = new();
    readonly int[] _byteIds = new int[256];
    readonly int _dummyPrefixId;
    IReadOnlyDictionary<string, int>? _vocabulary;

    public Llama2cTokenizer(Llama2cTokenizerFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (file.Pieces.Count != file.Scores.Count) throw new ArgumentException("pieces and scores differ in length", nameof(file));
        _pieces = [.. file.Pieces];
        _scores = [.. file.Scores];
        MaxTokenLength = file.MaxTokenLength;
        _idByBytesSpan = _idByBytes.GetAlternateLookup<ReadOnlySpan<char>>();

        var idsByBytes = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (int id = 0; id < _pieces.Length; id++)
        {
            string key = Encoding.Latin1.GetString(_pieces[id]);
            // run.c's bsearch may return any of several equal pieces; we keep the first for lookups.
            _idByBytes.TryAdd(key, id);
            if (!idsByBytes.TryGetValue(key, out var ids)) idsByBytes[key] = ids = [];
            ids.Add(id);
        }

        // Every pair whose concatenation is a piece, found by splitting each piece at every byte: the same set run.c
        // finds by concatenating neighbours and looking the result up, computed once instead of per merge.
        foreach (var (key, ids) in idsByBytes)
        {
            int merged = ids[0];
            for (int split = 1; split < key.Length; split++)
            {
                if (!idsByBytes.TryGetValue(key[..split], out var lefts) || !idsByBytes.TryGetValue(key[split..], out var rights)) continue;
                foreach (int l in lefts)
                    foreach (int r in rights)
                        _mergedByPair.TryAdd(PairKey(l, r), merged);
            }
        }

        for (int b = 0; b < 256; b++) _byteIds[b] = b + ByteOffset;
        _dummyPrefixId = _idByBytes.TryGetValue(" ", out int space) ? space : ' ' + ByteOffset;
    }

    public static Llama2cTokenizer Load(string path, int vocabSize) => new(Llama2cTokenizerFile.Read(path, vocabSize));

    public int VocabSize => _pieces.Length;

    public int MaxTokenLength { get; }

    /// <summary>Pieces as text (byte pieces keep their &lt;0xXX&gt; spelling); spaces are literal ' ', as in the file.</summary>
    public IReadOnlyDictionary<string, int> Vocabulary => _vocabulary ??= BuildVocabulary();

    public string Piece(int id) => Encoding.UTF8.GetString(_pieces[CheckId(id)]);

    public float Score(int id) => _scores[CheckId(id)];

    static long PairKey(int left, int right) => ((long)left << 32) | (uint)right;

    int TryMerge(int left, int right) => _mergedByPair.TryGetValue(PairKey(left, right), out int merged) ? merged : -1;

    int CheckId(int id) => (uint)id < (uint)_pieces.Length
        ? id
        : throw new ArgumentOutOfRangeException(nameof(id), id, $"token id outside the vocabulary of {_pieces.Length}");

    IReadOnlyDictionary<string, int> BuildVocabulary()
    {
        var vocabulary = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int id = 0; id < _pieces.Length; id++) vocabulary.TryAdd(Encoding.UTF8.GetString(_pieces[id]), id);
        return new ReadOnlyDictionary<string, int>(vocabulary);
    }

    /// <summary>The merged symbols of <paramref name="text"/> in order, with UTF-8 byte offsets.</summary>
    List<ScoreOrderedMerge.Symbol> EncodeSymbols(ReadOnlySpan<char> text, out byte[] utf8)
    {
        utf8 = Encoding.UTF8.GetBytes(text.ToArray());
        var result = new List<ScoreOrderedMerge.Symbol>();
        if (utf8.Length == 0) return result;

        var symbols = ArrayPool<ScoreOrderedMerge.Symbol>.Shared.Rent(utf8.Length + 1);
        char[] widened = ArrayPool<char>.Shared.Rent(4);
        try
        {
            int count = 0;
            void Add(int id, int start, int end) =>
                symbols[count] = new ScoreOrderedMerge.Symbol { Id = id, ByteStart = start, ByteEnd = end, Prev = count - 1, Next = ++count, Alive = true };

            Add(_dummyPrefixId, 0, 0);
            for (int i = 0; i < utf8.Length;)
            {
                // A code point: this byte plus following continuation bytes, at most 4 in all (run.c's guard).
                int length = 1;
                while (i + length < utf8.Length && (utf8[i + length] & 0xC0) == 0x80 && length < 4) length++;
                for (int k = 0; k < length; k++) widened[k] = (char)utf8[i + k];
                if (_idByBytesSpan.TryGetValue(widened.AsSpan(0, length), out int id))
                    Add(id, i, i + length);
                else
                    for (int k = 0; k < length; k++) Add(_byteIds[utf8[i + k]], i + k, i + k + 1);
                i += length;
            }
            symbols[count - 1].Next = -1;

            ScoreOrderedMerge.Run(symbols, count, TryMerge, _scores);
            for (int s = 0; s >= 0; s = symbols[s].Next) result.Add(symbols[s]);
            return result;
        }
        finally
        {
            ArrayPool<ScoreOrderedMerge.Symbol>.Shared.Return(symbols);
            ArrayPool<char>.Shared.Return(widened);
        }
    }

    protected override EncodeResults<EncodedToken> EncodeToTokens(string? text, ReadOnlySpan<char> textSpan, EncodeSettings settings)
    {
        ReadOnlySpan<char> input = text is null ? textSpan : text.AsSpan();
        var symbols = EncodeSymbols(input, out byte[] utf8);
        int[] charAt = ByteToCharOffsets(input, utf8.Length);
        int take = Math.Min(symbols.Count, settings.MaxTokenCount > 0 ? settings.MaxTokenCount : int.MaxValue);
        var tokens = new List<EncodedToken>(take);
        for (int i = 0; i < take; i++)
        {
            var s = symbols[i];
            tokens.Add(new EncodedToken(s.Id, Encoding.UTF8.GetString(_pieces[s.Id]), new Range(charAt[s.ByteStart], charAt[s.ByteEnd])));
        }

        int consumed = take == symbols.Count ? input.Length : charAt[symbols[take - 1].ByteEnd];
        return new EncodeResults<EncodedToken> { Tokens = tokens, NormalizedText = null, CharsConsumed = consumed };
    }

    protected override EncodeResults<int> EncodeToIds(string? text, ReadOnlySpan<char> textSpan, EncodeSettings settings)
    {
        ReadOnlySpan<char> input = text is null ? textSpan : text.AsSpan();
        var symbols = EncodeSymbols(input, out byte[] utf8);
        int take = Math.Min(symbols.Count, settings.MaxTokenCount > 0 ? settings.MaxTokenCount : int.MaxValue);
        var ids = new int[take];
        for (int i = 0; i < take; i++) ids[i] = symbols[i].Id;
        int consumed = take == symbols.Count ? input.Length : ByteToCharOffsets(input, utf8.Length)[symbols[take - 1].ByteEnd];
        return new EncodeResults<int> { Tokens = ids, NormalizedText = null, CharsConsumed = consumed };
    }

    /// <summary>Char index in <paramref name="text"/> of every UTF-8 byte offset (invalid surrogates count as U+FFFD's 3 bytes, as the encoder writes them).</summary>
    static int[] ByteToCharOffsets(ReadOnlySpan<char> text, int byteCount)
    {
        var map = new int[byteCount + 1];
        int bytePos = 0, charPos = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            int utf16 = rune == Rune.ReplacementChar && char.IsSurrogate(text[charPos]) ? 1 : rune.Utf16SequenceLength;
            for (int k = 0; k < rune.Utf8SequenceLength; k++) map[bytePos + k] = charPos;
            bytePos += rune.Utf8SequenceLength;
            charPos += utf16;
        }
        map[byteCount] = text.Length;
        return map;
    }

    /// <summary>
    /// The bytes run.c would print for <paramref name="ids"/>: BOS and EOS print nothing, a piece right after BOS
    /// (or first in the sequence) loses its leading space, and &lt;0xXX&gt; pieces become the byte XX.
    /// </summary>
    public void AppendBytes(IEnumerable<int> ids, List<byte> output, bool afterBos = true)
    {
        bool previousIsBos = afterBos;
        foreach (int id in ids)
        {
            CheckId(id);
            if (id == BosId) { previousIsBos = true; continue; }
            if (id == EosId) { previousIsBos = false; continue; }
            ReadOnlySpan<byte> piece = _pieces[id];
            if (previousIsBos && piece.Length > 0 && piece[0] == (byte)' ') piece = piece[1..];
            if (TryParseBytePiece(piece, out byte value)) output.Add(value);
            else output.AddRange(piece);
            previousIsBos = false;
        }
    }

    static bool TryParseBytePiece(ReadOnlySpan<byte> piece, out byte value)
    {
        value = 0;
        return piece.Length == 6 && piece[0] == '<' && piece[1] == '0' && piece[2] == 'x' && piece[5] == '>'
            && byte.TryParse(Encoding.ASCII.GetString(piece[3..5]), System.Globalization.NumberStyles.HexNumber, null, out value);
    }

    public override string Decode(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var bytes = new List<byte>();
        AppendBytes(ids, bytes);
        return Encoding.UTF8.GetString(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes));
    }

    public override OperationStatus Decode(IEnumerable<int> ids, Span<char> destination, out int idsConsumed, out int charsWritten)
    {
        ArgumentNullException.ThrowIfNull(ids);
        // Grow the decoded prefix one id at a time and keep the longest that fits; only called with small buffers.
        var list = ids as IReadOnlyList<int> ?? [.. ids];
        string whole = Decode(list);
        if (whole.Length <= destination.Length)
        {
            whole.CopyTo(destination);
            idsConsumed = list.Count;
            charsWritten = whole.Length;
            return OperationStatus.Done;
        }

        idsConsumed = 0;
        charsWritten = 0;
        for (int n = 1; n <= list.Count; n++)
        {
            string prefix = Decode(list.Take(n));
            if (prefix.Length > destination.Length) break;
            if (prefix.Length > 0 && prefix[^1] == '\uFFFD') continue; // inside a multi-byte character
            prefix.CopyTo(destination);
            idsConsumed = n;
            charsWritten = prefix.Length;
        }
        return OperationStatus.DestinationTooSmall;
    }
}
