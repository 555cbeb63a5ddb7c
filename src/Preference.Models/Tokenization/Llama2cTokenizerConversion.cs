using System.Text.Json.Nodes;

namespace Preference.Models.Tokenization;

/// <summary>
/// A llama2.c tokenizer (<c>tok*.bin</c>) written back in the forms transformers reads. llama2.c exported its
/// vocabularies from a SentencePiece BPE model, replacing "▁" by " " and naming BOS/EOS "\n&lt;s&gt;\n" /
/// "\n&lt;/s&gt;\n"; undoing that gives the original <c>tokenizer.model</c> (for <c>LlamaTokenizer</c>), and the
/// same pieces with their merges give a <c>tokenizer.json</c> as transformers' LlamaConverter writes it (for
/// <c>LlamaTokenizerFast</c>). Both encode as llama2.c's run.c does: a dummy-prefix space, one symbol per code point
/// (bytes as &lt;0xXX&gt; when the code point is no piece), then merges by the merged piece's score.
/// </summary>
public static class Llama2cTokenizerConversion
{
    const string Space = "\u2581";
    const string Unknown = "<unk>", Bos = "<s>", Eos = "</s>";

    /// <summary>
    /// The Human/Assistant dialogue (<see cref="HumanAssistantChatTemplate"/>) as a Jinja chat_template, so
    /// <c>apply_chat_template</c> renders the prompts the model was tuned on.
    /// </summary>
    public const string HumanAssistantJinja =
        "{% for message in messages %}{% if message['role'] == 'system' %}{{ message['content'] }}" +
        "{% elif message['role'] == 'user' %}{{ '\\n\\nHuman: ' + message['content'] }}" +
        "{% elif message['role'] == 'assistant' %}{{ '\\n\\nAssistant: ' + message['content'] }}{% endif %}{% endfor %}" +
        "{% if add_generation_prompt %}{{ '\\n\\nAssistant:' }}{% endif %}";

    /// <summary>The SentencePiece pieces in id order: special, byte and ordinary pieces with their scores.</summary>
    public static IReadOnlyList<SentencePieceEntry> Pieces(Llama2cTokenizer tokenizer)
    {
        var pieces = new SentencePieceEntry[tokenizer.VocabSize];
        for (int id = 0; id < pieces.Length; id++)
        {
            string piece = tokenizer.Piece(id);
            pieces[id] = id switch
            {
                Llama2cTokenizer.UnknownId => new SentencePieceEntry(Unknown, 0, SentencePieceType.Unknown),
                Llama2cTokenizer.BosId => new SentencePieceEntry(Bos, 0, SentencePieceType.Control),
                Llama2cTokenizer.EosId => new SentencePieceEntry(Eos, 0, SentencePieceType.Control),
                _ when IsBytePiece(piece) => new SentencePieceEntry(piece, 0, SentencePieceType.Byte),
                _ => new SentencePieceEntry(piece.Replace(" ", Space, StringComparison.Ordinal), tokenizer.Score(id)),
            };
        }
        return pieces;
    }

    /// <summary>The SentencePiece <c>tokenizer.model</c> bytes.</summary>
    public static byte[] SentencePieceModelBytes(Llama2cTokenizer tokenizer)
    {
        var pieces = Pieces(tokenizer);
        return new SentencePieceModel
        {
            Pieces = pieces,
            ModelType = 2,
            ByteFallback = pieces.Any(p => p.Type == SentencePieceType.Byte),
            AddDummyPrefix = true,
            RemoveExtraWhitespaces = false,
            EscapeWhitespaces = true,
            UnknownId = Llama2cTokenizer.UnknownId,
            BosId = Llama2cTokenizer.BosId,
            EosId = Llama2cTokenizer.EosId,
        }.ToBytes();
    }

    /// <summary>
    /// <c>tokenizer.json</c>: BPE with byte fallback, a "▁" prepended and spaces replaced by "▁" (the Llama-2 layout),
    /// BOS added by the post-processor. Merges are every split of a piece into two pieces, best-scored piece first, written
    /// as "left right" strings (pieces hold "▁", never a space), which every tokenizers version reads.
    /// </summary>
    public static JsonObject TokenizerJson(Llama2cTokenizer tokenizer)
    {
        var pieces = Pieces(tokenizer);
        var vocab = new JsonObject();
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int id = 0; id < pieces.Count; id++)
            if (ids.TryAdd(pieces[id].Piece, id)) vocab[pieces[id].Piece] = id;

        var merges = new List<(int Rank, int Left, int Right, string LeftText, string RightText)>();
        var ranked = Enumerable.Range(0, pieces.Count)
            .Where(id => pieces[id].Type == SentencePieceType.Normal)
            .OrderByDescending(id => pieces[id].Score).ThenBy(id => id)
            .Select((id, rank) => (id, rank));
        foreach (var (id, rank) in ranked)
        {
            string piece = pieces[id].Piece;
            for (int split = 1; split < piece.Length; split++)
            {
                if (char.IsLowSurrogate(piece[split])) continue;
                if (ids.TryGetValue(piece[..split], out int left) && ids.TryGetValue(piece[split..], out int right)
                    && pieces[left].Type == SentencePieceType.Normal && pieces[right].Type == SentencePieceType.Normal)
                    merges.Add((rank, left, right, piece[..split], piece[split..]));
            }
        }
        var mergeArray = new JsonArray(merges.OrderBy(m => m.Rank).ThenBy(m => m.Left).ThenBy(m => m.Right)
            .Select(m => (JsonNode)JsonValue.Create($"{m.LeftText} {m.RightText}")).ToArray());

        return new JsonObject
        {
            ["version"] = "1.0",
            ["truncation"] = null,
            ["padding"] = null,
            ["added_tokens"] = new JsonArray(
                AddedToken(Llama2cTokenizer.UnknownId, Unknown), AddedToken(Llama2cTokenizer.BosId, Bos), AddedToken(Llama2cTokenizer.EosId, Eos)),
            ["normalizer"] = new JsonObject
            {
                ["type"] = "Sequence",
                ["normalizers"] = new JsonArray(
                    new JsonObject { ["type"] = "Prepend", ["prepend"] = Space },
                    new JsonObject { ["type"] = "Replace", ["pattern"] = new JsonObject { ["String"] = " " }, ["content"] = Space }),
            },
            ["pre_tokenizer"] = null,
            ["post_processor"] = new JsonObject
            {
                ["type"] = "TemplateProcessing",
                ["single"] = new JsonArray(SpecialStep(Bos, 0), SequenceStep("A", 0)),
                ["pair"] = new JsonArray(SpecialStep(Bos, 0), SequenceStep("A", 0), SpecialStep(Bos, 1), SequenceStep("B", 1)),
                ["special_tokens"] = new JsonObject
                {
                    [Bos] = new JsonObject { ["id"] = Bos, ["ids"] = new JsonArray(Llama2cTokenizer.BosId), ["tokens"] = new JsonArray(Bos) },
                },
            },
            ["decoder"] = new JsonObject
            {
                ["type"] = "Sequence",
                ["decoders"] = new JsonArray(
                    new JsonObject { ["type"] = "Replace", ["pattern"] = new JsonObject { ["String"] = Space }, ["content"] = " " },
                    new JsonObject { ["type"] = "ByteFallback" },
                    new JsonObject { ["type"] = "Fuse" },
                    new JsonObject { ["type"] = "Strip", ["content"] = " ", ["start"] = 1, ["stop"] = 0 }),
            },
            ["model"] = new JsonObject
            {
                ["type"] = "BPE",
                ["dropout"] = null,
                ["unk_token"] = Unknown,
                ["continuing_subword_prefix"] = null,
                ["end_of_word_suffix"] = null,
                ["fuse_unk"] = true,
                ["byte_fallback"] = true,
                ["vocab"] = vocab,
                ["merges"] = mergeArray,
            },
        };
    }

    /// <summary>
    /// <c>tokenizer_config.json</c> for <c>LlamaTokenizer</c>/<c>LlamaTokenizerFast</c>: BOS added, no EOS, and
    /// &lt;unk&gt; as the pad token (it never occurs in byte-fallback text, so padding is never mistaken for text, and
    /// a sequence classifier finds the last real token by it).
    /// </summary>
    public static JsonObject TokenizerConfig(int? modelMaxLength)
    {
        var added = new JsonObject
        {
            [Llama2cTokenizer.UnknownId.ToString()] = AddedTokenEntry(Unknown),
            [Llama2cTokenizer.BosId.ToString()] = AddedTokenEntry(Bos),
            [Llama2cTokenizer.EosId.ToString()] = AddedTokenEntry(Eos),
        };
        var config = new JsonObject
        {
            ["tokenizer_class"] = "LlamaTokenizer",
            ["add_bos_token"] = true,
            ["add_eos_token"] = false,
            ["added_tokens_decoder"] = added,
            ["bos_token"] = Bos,
            ["eos_token"] = Eos,
            ["unk_token"] = Unknown,
            ["pad_token"] = Unknown,
            ["clean_up_tokenization_spaces"] = false,
            // The dummy prefix is prepended to each text segment, as llama2.c does and as the normalizer above writes.
            ["legacy"] = true,
            ["sp_model_kwargs"] = new JsonObject(),
            ["chat_template"] = HumanAssistantJinja,
        };
        if (modelMaxLength is { } length) config["model_max_length"] = length;
        return config;
    }

    public static JsonObject SpecialTokensMap() => new()
    {
        ["bos_token"] = Bos,
        ["eos_token"] = Eos,
        ["unk_token"] = Unknown,
        ["pad_token"] = Unknown,
    };

    static bool IsBytePiece(string piece) =>
        piece.Length == 6 && piece.StartsWith("<0x", StringComparison.Ordinal) && piece[5] == '>' && Uri.IsHexDigit(piece[3]) && Uri.IsHexDigit(piece[4]);

    static JsonObject AddedToken(int id, string content)
    {
        var token = AddedTokenEntry(content);
        token.Insert(0, "id", id);
        return token;
    }

    static JsonObject AddedTokenEntry(string content) => new()
    {
        ["content"] = content,
        ["single_word"] = false,
        ["lstrip"] = false,
        ["rstrip"] = false,
        ["normalized"] = false,
        ["special"] = true,
    };

    static JsonObject SpecialStep(string token, int typeId) =>
        new() { ["SpecialToken"] = new JsonObject { ["id"] = token, ["type_id"] = typeId } };

    static JsonObject SequenceStep(string id, int typeId) =>
        new() { ["Sequence"] = new JsonObject { ["id"] = id, ["type_id"] = typeId } };
}
