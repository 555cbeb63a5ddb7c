using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Preference.Training.Reward.Vocabulary;

/// <summary>
/// Learns a GPT-2-style byte-level BPE vocabulary from text and writes it as a Hugging Face <c>tokenizer.json</c>, the
/// file our loader (and transformers) reads. A reward model trained from scratch needs words as tokens: the bundled
/// 512-piece vocabulary spells most of a dialogue letter by letter, which a small model cannot afford.
/// Train it on training text only, never on evaluation data.
/// </summary>
public static partial class ByteLevelBpeTrainer
{
    public const string EndOfText = "<|endoftext|>";

    /// <summary>
    /// A padding token of its own: transformers' sequence classifiers find the scored position as the last token that
    /// is not padding, so padding with end-of-text would make them read one token too early.
    /// </summary>
    public const string Pad = "<|pad|>";

    /// <summary>Learns merges until the vocabulary (256 bytes + merges + <see cref="EndOfText"/> + <see cref="Pad"/>) has <paramref name="vocabSize"/> tokens.</summary>
    public static JsonObject Train(IEnumerable<string> texts, int vocabSize, int minFrequency = 2, CancellationToken cancellationToken = default)
    {
        if (vocabSize < 258) throw new ArgumentOutOfRangeException(nameof(vocabSize), vocabSize, "must be at least 258 (256 bytes, end-of-text and padding)");
        var byteChar = ByteToChar();
        var wordCounts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var text in texts)
            foreach (Match m in Pretokenize().Matches(text))
            {
                var mapped = string.Concat(Encoding.UTF8.GetBytes(m.Value).Select(b => byteChar[b]));
                wordCounts[mapped] = wordCounts.GetValueOrDefault(mapped) + 1;
            }

        var vocabulary = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var c in byteChar.Values.Order()) vocabulary[c.ToString()] = vocabulary.Count;
        var words = wordCounts.Select(kv => (Symbols: kv.Key.Select(c => c.ToString()).ToList(), Count: kv.Value)).ToList();
        var merges = new List<(string, string)>();

        while (vocabulary.Count < vocabSize - 2)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var pairCounts = new Dictionary<(string, string), int>();
            foreach (var (symbols, count) in words)
                for (int i = 0; i + 1 < symbols.Count; i++)
                    pairCounts[(symbols[i], symbols[i + 1])] = pairCounts.GetValueOrDefault((symbols[i], symbols[i + 1])) + count;
            if (pairCounts.Count == 0) break;
            // Ties broken by the pair itself, so the same text always gives the same vocabulary.
            var best = pairCounts.First();
            foreach (var candidate in pairCounts)
                if (candidate.Value > best.Value || candidate.Value == best.Value && Before(candidate.Key, best.Key)) best = candidate;
            if (best.Value < minFrequency) break;
            var (left, right) = best.Key;
            var merged = left + right;
            merges.Add((left, right));
            vocabulary[merged] = vocabulary.Count;
            foreach (var (symbols, _) in words)
                for (int i = 0; i + 1 < symbols.Count; i++)
                    if (symbols[i] == left && symbols[i + 1] == right)
                    {
                        symbols[i] = merged;
                        symbols.RemoveAt(i + 1);
                    }
        }
        int endOfText = vocabulary.Count;
        vocabulary[EndOfText] = endOfText;
        vocabulary[Pad] = endOfText + 1;
        return ToTokenizerJson(vocabulary, merges, endOfText);
    }

    static JsonObject ToTokenizerJson(Dictionary<string, int> vocabulary, List<(string, string)> merges, int endOfText)
    {
        var vocab = new JsonObject();
        foreach (var (piece, id) in vocabulary.OrderBy(kv => kv.Value)) vocab[piece] = id;
        return new JsonObject
        {
            ["version"] = "1.0",
            ["truncation"] = null,
            ["padding"] = null,
            ["added_tokens"] = new JsonArray(Special(endOfText, EndOfText), Special(endOfText + 1, Pad)),
            ["normalizer"] = null,
            ["pre_tokenizer"] = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = true, ["use_regex"] = true },
            ["post_processor"] = null,
            ["decoder"] = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = true, ["trim_offsets"] = true, ["use_regex"] = true },
            ["model"] = new JsonObject
            {
                ["type"] = "BPE", ["dropout"] = null, ["unk_token"] = null, ["continuing_subword_prefix"] = "",
                ["end_of_word_suffix"] = "", ["fuse_unk"] = false, ["byte_fallback"] = false,
                ["vocab"] = vocab,
                ["merges"] = new JsonArray(merges.Select(m => (JsonNode)new JsonArray(m.Item1, m.Item2)).ToArray()),
            },
        };
    }

    static JsonObject Special(int id, string content) => new()
    {
        ["id"] = id, ["content"] = content, ["single_word"] = false, ["lstrip"] = false,
        ["rstrip"] = false, ["normalized"] = false, ["special"] = true,
    };

    /// <summary>The tokenizer_config.json that names the special tokens' roles for our loader and transformers.</summary>
    public static JsonObject TokenizerConfig() => new()
    {
        ["bos_token"] = EndOfText, ["eos_token"] = EndOfText, ["pad_token"] = Pad, ["unk_token"] = null,
        ["model_max_length"] = 1_000_000, ["tokenizer_class"] = "GPT2TokenizerFast",
    };

    /// <summary>GPT-2's reversible map from bytes to printable characters, so every byte string is a token string.</summary>
    static Dictionary<byte, char> ByteToChar()
    {
        var printable = Enumerable.Range('!', '~' - '!' + 1).Concat(Enumerable.Range('¡', '¬' - '¡' + 1)).Concat(Enumerable.Range('®', 'ÿ' - '®' + 1)).ToHashSet();
        var map = new Dictionary<byte, char>();
        int extra = 0;
        for (int b = 0; b < 256; b++) map[(byte)b] = printable.Contains(b) ? (char)b : (char)(256 + extra++);
        return map;
    }

    static bool Before((string, string) a, (string, string) b)
    {
        int first = string.CompareOrdinal(a.Item1, b.Item1);
        return first < 0 || first == 0 && string.CompareOrdinal(a.Item2, b.Item2) < 0;
    }

    [GeneratedRegex(@"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+")]
    private static partial Regex Pretokenize();
}
