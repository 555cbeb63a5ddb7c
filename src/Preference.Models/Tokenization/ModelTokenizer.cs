using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;
using Preference.Core.Domain;

namespace Preference.Models.Tokenization;

/// <summary>
/// The tokenizer a model uses, whatever file it came from: a Microsoft.ML.Tokenizers <see cref="Tokenizer"/> for
/// ordinary text plus what the model layer needs around it — BOS/EOS/pad ids, special tokens matched as whole
/// strings (so a rendered chat prompt encodes as <c>apply_chat_template</c> would), and the chat template.
/// Thread-safe: nothing is mutated after construction except lazily built lookup tables.
/// </summary>
public sealed class ModelTokenizer
{
    readonly IReadOnlyDictionary<string, int> _specialTokens;
    readonly Dictionary<int, string> _specialById;
    readonly Regex? _specialPattern;
    readonly HashSet<int> _skippedOnDecode;
    readonly IReadOnlyDictionary<string, int>? _vocabulary;
    Dictionary<int, string>? _pieceById;

    /// <param name="inner">Encodes ordinary text; it must not add BOS/EOS itself.</param>
    /// <param name="format">Where it came from (llama2c, sentencepiece, hf-bpe-bytelevel, hf-bpe-sentencepiece, tiktoken).</param>
    /// <param name="bosId">-1 when the tokenizer has no BOS (Qwen); <see cref="Encode"/> then adds none.</param>
    /// <param name="specialTokens">Strings encoded as one id wherever they appear in text.</param>
    /// <param name="vocabulary">Piece to id, for <see cref="IdToPiece"/>; read from <paramref name="inner"/> when it exposes one.</param>
    /// <param name="addBosToken">tokenizer_config.json's <c>add_bos_token</c>: false for tokenizers that have a BOS but do
    /// not put it before encoded text (GPT-2), so <see cref="Encode"/> adds none, as transformers does.</param>
    public ModelTokenizer(Tokenizer inner, string format, int vocabSize, int bosId, int eosId, int? padId = null,
        IReadOnlyDictionary<string, int>? specialTokens = null, ChatTemplate? chatTemplate = null, string? chatTemplateSource = null,
        IReadOnlyDictionary<string, int>? vocabulary = null, bool addBosToken = true)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(vocabSize);
        if (eosId < 0 || eosId >= vocabSize) throw new ArgumentOutOfRangeException(nameof(eosId), eosId, "EOS must be a token of the vocabulary");
        if (bosId >= vocabSize) throw new ArgumentOutOfRangeException(nameof(bosId), bosId, "BOS must be a token of the vocabulary or -1");
        Inner = inner;
        Format = format;
        VocabSize = vocabSize;
        BosId = bosId;
        AddsBos = bosId >= 0 && addBosToken;
        EosId = eosId;
        PadId = padId is >= 0 ? padId.Value : eosId;
        HasPad = padId is >= 0;
        ChatTemplate = chatTemplate;
        ChatTemplateSource = chatTemplateSource;
        _vocabulary = vocabulary;
        _specialTokens = specialTokens ?? new Dictionary<string, int>();
        _specialById = _specialTokens.GroupBy(kv => kv.Value).ToDictionary(g => g.Key, g => g.First().Key);
        // Longest first, so "<|im_start|>" wins over a shorter token that is its prefix.
        _specialPattern = _specialTokens.Count == 0 ? null
            : new Regex(string.Join("|", _specialTokens.Keys.OrderByDescending(k => k.Length).Select(Regex.Escape)), RegexOptions.Compiled);
        _skippedOnDecode = [EosId, PadId];
        if (BosId >= 0) _skippedOnDecode.Add(BosId);
    }

    /// <summary>The library tokenizer for ordinary text (no special tokens, no BOS/EOS).</summary>
    public Tokenizer Inner { get; }

    public string Format { get; }

    /// <summary>Number of token ids (the model's embedding rows must be at least this many).</summary>
    public int VocabSize { get; }

    /// <summary>-1 when the tokenizer has none.</summary>
    public int BosId { get; }

    public bool HasBos => BosId >= 0;

    /// <summary>Whether encoding puts BOS before the text (<see cref="HasBos"/> and not <c>add_bos_token: false</c>).</summary>
    public bool AddsBos { get; }

    public int EosId { get; }

    /// <summary>The pad token, or EOS when the tokenizer defines none (<see cref="HasPad"/> tells which).</summary>
    public int PadId { get; }

    public bool HasPad { get; }

    /// <summary>Null when neither the files nor the caller named one.</summary>
    public ChatTemplate? ChatTemplate { get; }

    /// <summary>The Jinja text from tokenizer_config.json, kept even when it matched no built-in, for diagnostics.</summary>
    public string? ChatTemplateSource { get; }

    public IReadOnlyDictionary<string, int> SpecialTokens => _specialTokens;

    /// <summary>The file the tokenizer was read from (null when built in memory): exports copy its Hugging Face files.</summary>
    public string? SourcePath { get; init; }

    /// <param name="addBos">Put BOS first when this tokenizer adds one (<see cref="AddsBos"/>).</param>
    /// <param name="parseSpecialTokens">Match special token strings in <paramref name="text"/> (default, as HF does); off for untrusted text that must stay plain.</param>
    public IReadOnlyList<int> Encode(string text, bool addBos = true, bool addEos = false, bool parseSpecialTokens = true)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>(text.Length / 3 + 2);
        if (addBos && AddsBos) ids.Add(BosId);
        if (parseSpecialTokens && _specialPattern is not null)
        {
            int start = 0;
            foreach (Match match in _specialPattern.Matches(text))
            {
                if (match.Index > start) ids.AddRange(Inner.EncodeToIds(text.AsSpan(start, match.Index - start)));
                ids.Add(_specialTokens[match.Value]);
                start = match.Index + match.Length;
            }
            if (start < text.Length) ids.AddRange(Inner.EncodeToIds(text.AsSpan(start)));
        }
        else if (text.Length > 0)
        {
            ids.AddRange(Inner.EncodeToIds(text));
        }
        if (addEos) ids.Add(EosId);
        return ids;
    }

    /// <summary>
    /// Encodes <paramref name="prompt"/> + <paramref name="completion"/> as the one text the model reads (tokenizing the
    /// parts apart would split words at the seam differently and, with SentencePiece or llama2.c, add a second
    /// dummy-prefix space before the completion), and finds where the completion's ids start: the first id where the
    /// prompt's own tokens stop agreeing with the whole.
    /// </summary>
    public (IReadOnlyList<int> Ids, int CompletionStart) EncodeJoined(string prompt, string completion, bool addBos = true,
        bool parseSpecialTokens = true)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(completion);
        var ids = Encode(prompt + completion, addBos, addEos: false, parseSpecialTokens);
        var promptIds = Encode(prompt, addBos, addEos: false, parseSpecialTokens);
        int start = 0, n = Math.Min(promptIds.Count, ids.Count);
        while (start < n && promptIds[start] == ids[start]) start++;
        return (ids, start);
    }

    /// <summary>Renders with <see cref="ChatTemplate"/> (or <paramref name="template"/>) and encodes, adding BOS only if the template does not write it.</summary>
    public IReadOnlyList<int> EncodeChat(IReadOnlyList<Message> messages, bool addGenerationPrompt = true, ChatTemplate? template = null)
    {
        var chat = template ?? ChatTemplate
            ?? throw new InvalidOperationException($"this {Format} tokenizer has no chat template; pass one (e.g. ChatTemplate.HumanAssistant)");
        return Encode(chat.Render(messages, addGenerationPrompt), addBos: !chat.RendersBos);
    }

    /// <summary>Text of <paramref name="ids"/>, leaving out BOS, EOS and pad; other special tokens appear as their text.</summary>
    public string Decode(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var text = new System.Text.StringBuilder();
        var run = new List<int>();
        foreach (int id in ids)
        {
            if ((uint)id >= (uint)VocabSize) throw new ArgumentOutOfRangeException(nameof(ids), id, $"token id outside the vocabulary of {VocabSize}");
            if (_skippedOnDecode.Contains(id)) continue;
            if (_specialById.TryGetValue(id, out string? special))
            {
                Flush();
                text.Append(special);
                continue;
            }
            run.Add(id);
        }
        Flush();
        return text.ToString();

        void Flush()
        {
            if (run.Count == 0) return;
            text.Append(Inner.Decode(run));
            run.Clear();
        }
    }

    /// <summary>
    /// The text <paramref name="continuation"/> adds after <paramref name="context"/>, as a reader of the two together
    /// sees it. Decoding a completion alone is wrong: SentencePiece and llama2.c drop the leading space of the first
    /// piece they decode ("The dog" + "▁was" would read "The dogwas"), and a character split across byte-fallback
    /// tokens at the seam would decode as garbage. So, as transformers and vLLM do, decode the last few context ids
    /// together with the continuation and keep what follows the context's own text. Every completion is decoded this way.
    /// </summary>
    /// <param name="context">The ids before the continuation (a prompt, or text already printed); BOS, EOS and pad are ignored.</param>
    public string DecodeContinuation(IReadOnlyList<int> context, IReadOnlyList<int> continuation)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(continuation);
        if (continuation.Count == 0) return "";
        int start = Math.Max(0, context.Count - ContinuationContextIds);
        var window = new List<int>(context.Count - start + continuation.Count);
        for (int i = start; i < context.Count; i++) window.Add(context[i]);
        string before = Decode(window);
        window.AddRange(continuation);
        string all = Decode(window);
        // The seam can change the context's own text (bytes of one character on both sides): the continuation
        // then starts where the two texts part, so the completed character belongs to it.
        int cut = all.StartsWith(before, StringComparison.Ordinal) ? before.Length : CommonPrefixLength(before, all);
        return all[cut..];
    }

    // Enough ids to hold a whole UTF-8 character in byte-fallback tokens (at most 4) and the word before it.
    const int ContinuationContextIds = 8;

    static int CommonPrefixLength(string a, string b)
    {
        int n = 0;
        while (n < a.Length && n < b.Length && a[n] == b[n]) n++;
        return n;
    }

    /// <summary>A decoder that turns generated ids into printable text one token at a time.</summary>
    /// <param name="context">The prompt's ids: the first generated token is decoded after them (see <see cref="DecodeContinuation"/>).</param>
    public TokenStreamDecoder CreateStreamDecoder(IReadOnlyList<int>? context = null) => new(this, context ?? []);

    /// <summary>The vocabulary entry of <paramref name="id"/> as stored (e.g. "▁the", "Ġthe", " the", "&lt;0x0A&gt;"), or null.</summary>
    public string? IdToPiece(int id)
    {
        if (_specialById.TryGetValue(id, out string? special)) return special;
        if (Inner is Llama2cTokenizer llama2c) return (uint)id < (uint)llama2c.VocabSize ? llama2c.Piece(id) : null;
        _pieceById ??= InnerVocabulary()?.GroupBy(kv => kv.Value).ToDictionary(g => g.Key, g => g.First().Key) ?? [];
        return _pieceById.TryGetValue(id, out string? piece) ? piece : null;
    }

    IReadOnlyDictionary<string, int>? InnerVocabulary() => _vocabulary ?? Inner switch
    {
        SentencePieceTokenizer s => s.Vocabulary,
        BpeTokenizer b => b.Vocabulary,
        CodeGenTokenizer c => c.Vocabulary,
        _ => null,
    };
}
