using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace Preference.Models.Tokenization;

/// <summary>
/// Reads a Hugging Face <c>tokenizer.json</c> whose model is BPE, in its two common shapes:
/// GPT-2 style byte-level BPE (ByteLevel pre-tokenizer; the library's <see cref="BpeTokenizer"/>), and
/// SentencePiece style BPE with byte fallback (Llama, TinyLlama, Mistral: a "▁" prefix/Metaspace and
/// &lt;0xXX&gt; pieces), which is converted to a SentencePiece model for the library's
/// <see cref="SentencePieceTokenizer"/>: merge rank becomes piece score, so earlier merges win as in HF.
/// </summary>
internal static class HfTokenizerJson
{
    /// <summary>GPT-2's pre-tokenizer pattern, used when ByteLevel splits by its own regex.</summary>
    const string Gpt2Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    const string SentencePieceSpace = "\u2581";

    public static TokenizerParts Read(string path)
    {
        if (!File.Exists(path)) throw new TokenizerFormatException(path, "file not found");
        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new TokenizerFormatException(path, $"not valid JSON ({e.Message})", e);
        }

        using (json)
        {
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.Object)
                throw new TokenizerFormatException(path, "no \"model\" object; not a Hugging Face tokenizer.json");
            string type = model.TryGetProperty("type", out var t) ? t.GetString() ?? "" : "";
            if (type != "BPE")
                throw new TokenizerFormatException(path, $"model type '{type}' is not supported; only BPE tokenizer.json files can be read");

            var vocabulary = ReadVocabulary(path, model);
            var merges = ReadMerges(path, model);
            var added = ReadAddedTokens(path, root);
            var preTokenizers = Flatten(root, "pre_tokenizer", "pretokenizers");
            var normalizers = Flatten(root, "normalizer", "normalizers");

            bool byteFallback = model.TryGetProperty("byte_fallback", out var bf) && bf.ValueKind == JsonValueKind.True;
            bool metaspace = preTokenizers.Any(p => TypeOf(p) == "Metaspace")
                || normalizers.Any(n => TypeOf(n) is "Prepend" or "Replace" && n.GetRawText().Contains(SentencePieceSpace));
            bool byteLevel = preTokenizers.Any(p => TypeOf(p) == "ByteLevel");

            try
            {
                if (byteFallback || metaspace)
                    return SentencePieceStyle(path, model, vocabulary, merges, added, preTokenizers, normalizers);
                if (byteLevel)
                    return ByteLevel(vocabulary, merges, added, preTokenizers);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException or KeyNotFoundException)
            {
                throw new TokenizerFormatException(path, $"the tokenizer could not be built ({e.Message})", e);
            }

            throw new TokenizerFormatException(path,
                "BPE without a ByteLevel pre-tokenizer or SentencePiece-style byte fallback is not supported");
        }
    }

    static TokenizerParts ByteLevel(Dictionary<string, int> vocabulary, List<(string Left, string Right)> merges,
        Dictionary<string, (int Id, bool Special)> added, List<JsonElement> preTokenizers)
    {
        // The Split step of newer models (Llama-3, Qwen2) carries its own regex; plain ByteLevel uses GPT-2's.
        string pattern = Gpt2Pattern;
        foreach (var p in preTokenizers)
            if (TypeOf(p) == "Split" && p.TryGetProperty("pattern", out var pat) && pat.TryGetProperty("Regex", out var regex))
                pattern = regex.GetString() ?? Gpt2Pattern;
        bool addPrefixSpace = preTokenizers.Any(p => TypeOf(p) == "ByteLevel" && p.TryGetProperty("add_prefix_space", out var a) && a.ValueKind == JsonValueKind.True);

        var inner = BpeTokenizer.Create(new BpeOptions(vocabulary)
        {
            Merges = merges.Select(m => $"{m.Left} {m.Right}"),
            PreTokenizer = new RegexPreTokenizer(new Regex(pattern, RegexOptions.Compiled), specialTokens: null),
            Normalizer = addPrefixSpace ? new PrefixSpaceNormalizer() : null,
            ByteLevel = true,
        });
        var special = added.ToDictionary(a => a.Key, a => a.Value.Id);
        return new TokenizerParts(inner, "hf-bpe-bytelevel", inner.Vocabulary, special, null, null);
    }

    static TokenizerParts SentencePieceStyle(string path, JsonElement model, Dictionary<string, int> vocabulary,
        List<(string Left, string Right)> merges, Dictionary<string, (int Id, bool Special)> added,
        List<JsonElement> preTokenizers, List<JsonElement> normalizers)
    {
        string? unk = model.TryGetProperty("unk_token", out var u) ? u.GetString() : null;
        int size = Math.Max(vocabulary.Values.Max(), added.Count == 0 ? 0 : added.Values.Max(a => a.Id)) + 1;
        var pieces = new SentencePieceEntry[size];
        for (int i = 0; i < size; i++) pieces[i] = new SentencePieceEntry($"<unused{i}>", 0, SentencePieceType.Unused);

        var rank = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < merges.Count; i++) rank.TryAdd(merges[i].Left + merges[i].Right, i);

        foreach (var (piece, id) in vocabulary)
        {
            var kind = piece == unk ? SentencePieceType.Unknown
                : IsBytePiece(piece) ? SentencePieceType.Byte
                : SentencePieceType.Normal;
            // A piece no merge produces can only appear as a single character; keep it last in line if it is longer.
            float score = rank.TryGetValue(piece, out int r) ? -r : piece.Length <= 1 || kind != SentencePieceType.Normal ? 0 : -1e9f;
            pieces[id] = new SentencePieceEntry(piece, score, kind);
        }
        foreach (var (content, (id, isSpecial)) in added)
            if (!vocabulary.ContainsKey(content) || pieces[id].Type == SentencePieceType.Normal)
                pieces[id] = pieces[id] with { Piece = content, Type = isSpecial ? SentencePieceType.Control : SentencePieceType.UserDefined };

        // Metaspace with prepend_scheme "never" (or an explicit add_prefix_space false) is the only way to lose the prefix.
        bool prefix = normalizers.Any(n => TypeOf(n) == "Prepend")
            || preTokenizers.Any(p => TypeOf(p) == "Metaspace"
                && !(p.TryGetProperty("prepend_scheme", out var s) && s.GetString() == "never")
                && !(p.TryGetProperty("add_prefix_space", out var a) && a.ValueKind == JsonValueKind.False));

        int IdOr(string token, int fallback) => vocabulary.TryGetValue(token, out int id) ? id : added.TryGetValue(token, out var a) ? a.Id : fallback;
        var spec = new SentencePieceModel
        {
            Pieces = pieces,
            ByteFallback = pieces.Any(p => p.Type == SentencePieceType.Byte),
            AddDummyPrefix = prefix,
            EscapeWhitespaces = true,
            RemoveExtraWhitespaces = false,
            UnknownId = unk is null ? 0 : IdOr(unk, 0),
            BosId = IdOr("<s>", 1),
            EosId = IdOr("</s>", 2),
        };
        using var stream = new MemoryStream(spec.ToBytes());
        var inner = SentencePieceTokenizer.Create(stream, addBeginningOfSentence: false, addEndOfSentence: false);
        var special = added.ToDictionary(a => a.Key, a => a.Value.Id);
        return new TokenizerParts(inner, "hf-bpe-sentencepiece", vocabulary, special, "<s>", "</s>");
    }

    static bool IsBytePiece(string piece) =>
        piece.Length == 6 && piece.StartsWith("<0x", StringComparison.Ordinal) && piece[5] == '>' && Uri.IsHexDigit(piece[3]) && Uri.IsHexDigit(piece[4]);

    static Dictionary<string, int> ReadVocabulary(string path, JsonElement model)
    {
        if (!model.TryGetProperty("vocab", out var vocab) || vocab.ValueKind != JsonValueKind.Object)
            throw new TokenizerFormatException(path, "model.vocab is missing or not an object");
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in vocab.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.Number || !entry.Value.TryGetInt32(out int id) || id < 0)
                throw new TokenizerFormatException(path, $"model.vocab[\"{entry.Name}\"] is not a non-negative token id");
            result[entry.Name] = id;
        }
        if (result.Count == 0) throw new TokenizerFormatException(path, "model.vocab is empty");
        return result;
    }

    // Merges are "left right" strings in older files and [left, right] pairs in newer ones.
    static List<(string, string)> ReadMerges(string path, JsonElement model)
    {
        var result = new List<(string, string)>();
        if (!model.TryGetProperty("merges", out var merges)) return result;
        if (merges.ValueKind != JsonValueKind.Array) throw new TokenizerFormatException(path, "model.merges is not an array");
        int index = 0;
        foreach (var merge in merges.EnumerateArray())
        {
            if (merge.ValueKind == JsonValueKind.String && merge.GetString()!.Split(' ') is [var l, var r])
                result.Add((l, r));
            else if (merge.ValueKind == JsonValueKind.Array && merge.GetArrayLength() == 2)
                result.Add((merge[0].GetString() ?? "", merge[1].GetString() ?? ""));
            else
                throw new TokenizerFormatException(path, $"model.merges[{index}] is neither \"left right\" nor [left, right]");
            index++;
        }
        return result;
    }

    static Dictionary<string, (int Id, bool Special)> ReadAddedTokens(string path, JsonElement root)
    {
        var result = new Dictionary<string, (int, bool)>(StringComparer.Ordinal);
        if (!root.TryGetProperty("added_tokens", out var added) || added.ValueKind != JsonValueKind.Array) return result;
        foreach (var token in added.EnumerateArray())
        {
            if (!token.TryGetProperty("id", out var id) || !token.TryGetProperty("content", out var content) || content.GetString() is not { Length: > 0 } text)
                throw new TokenizerFormatException(path, "an added_tokens entry lacks an id or content");
            result[text] = (id.GetInt32(), token.TryGetProperty("special", out var s) && s.ValueKind == JsonValueKind.True);
        }
        return result;
    }

    /// <summary>The steps of a normalizer or pre-tokenizer, looking inside a "Sequence".</summary>
    static List<JsonElement> Flatten(JsonElement root, string property, string sequenceItems)
    {
        var result = new List<JsonElement>();
        if (!root.TryGetProperty(property, out var element) || element.ValueKind != JsonValueKind.Object) return result;
        if (TypeOf(element) == "Sequence" && element.TryGetProperty(sequenceItems, out var items) && items.ValueKind == JsonValueKind.Array)
            result.AddRange(items.EnumerateArray().Select(i => i.Clone()));
        else
            result.Add(element.Clone());
        return result;
    }

    static string? TypeOf(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty("type", out var type) ? type.GetString() : null;
}
