using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace Preference.Models.Tokenization;

/// <summary>
/// A tiktoken BPE file (<c>*.tiktoken</c>, and Llama 3's original <c>tokenizer.model</c>): one
/// "base64-token rank" per line. The file names neither its split pattern nor its special tokens, so those come
/// from the name (o200k, r50k/p50k/gpt2) or default to cl100k's pattern, which Llama 3 shares.
/// </summary>
internal static class TiktokenFile
{
    const string Cl100kPattern = @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";
    const string R50kPattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";
    const string O200kPattern = @"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    /// <summary>True when the first line looks like "base64 integer" (used to tell Llama 3's tokenizer.model from a protobuf).</summary>
    public static bool LooksLikeTiktoken(string path)
    {
        using var reader = new StreamReader(path);
        var buffer = new char[512];
        int read = reader.ReadBlock(buffer, 0, buffer.Length);
        string first = new string(buffer, 0, read).Split('\n')[0];
        return first.Split(' ') is [var token, var rank] && token.Length > 0 && IsBase64(token) && int.TryParse(rank, out _);
    }

    public static TokenizerParts Read(string path, IReadOnlyDictionary<string, int>? specialTokens)
    {
        if (!File.Exists(path)) throw new TokenizerFormatException(path, "file not found");
        var vocabulary = ReadVocabulary(path);
        int maxRank = vocabulary.Values.Max();

        var specials = new Dictionary<string, int>(specialTokens ?? new Dictionary<string, int>());
        // Llama 3's tokenizer.model is a 128,000-rank tiktoken file whose specials live in Meta's code, not the file.
        if (specials.Count == 0 && maxRank + 1 == 128_000) AddLlama3Specials(specials);
        if (specials.Count == 0 && maxRank + 1 == 100_256) specials["<|endoftext|>"] = 100_257;
        if (specials.Count == 0 && maxRank + 1 == 50_256) specials["<|endoftext|>"] = 50_256;

        string name = Path.GetFileName(path).ToLowerInvariant();
        string pattern = name.Contains("o200k") ? O200kPattern
            : name.Contains("r50k") || name.Contains("p50k") || name.Contains("gpt2") ? R50kPattern
            : Cl100kPattern;
        try
        {
            using var stream = File.OpenRead(path);
            var inner = TiktokenTokenizer.Create(stream, new RegexPreTokenizer(new Regex(pattern, RegexOptions.Compiled), null), normalizer: null, specialTokens: null);
            string? bos = specials.ContainsKey("<|begin_of_text|>") ? "<|begin_of_text|>" : specials.ContainsKey("<|endoftext|>") ? "<|endoftext|>" : null;
            string? eos = specials.ContainsKey("<|end_of_text|>") ? "<|end_of_text|>" : specials.ContainsKey("<|endoftext|>") ? "<|endoftext|>" : null;
            return new TokenizerParts(inner, "tiktoken", vocabulary, specials, bos, eos);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
        {
            throw new TokenizerFormatException(path, $"the tiktoken file could not be read ({e.Message})", e);
        }
    }

    /// <summary>
    /// Reads every line so a damaged file is reported with its line number (the library would only say "bad
    /// format"); tokens that are not valid UTF-8 on their own appear with replacement characters.
    /// </summary>
    static Dictionary<string, int> ReadVocabulary(string path)
    {
        var vocabulary = new Dictionary<string, int>(StringComparer.Ordinal);
        int lineNumber = 0;
        foreach (string line in File.ReadLines(path))
        {
            lineNumber++;
            if (line.Length == 0) continue;
            if (line.Split(' ') is not [var token, var rankText] || !IsBase64(token) || !int.TryParse(rankText, out int rank) || rank < 0)
                throw new TokenizerFormatException(path, $"line {lineNumber} is not \"<base64 token> <rank>\"");
            vocabulary.TryAdd(System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(token)), rank);
        }
        if (vocabulary.Count == 0) throw new TokenizerFormatException(path, "no tokens in the file");
        return vocabulary;
    }

    static bool IsBase64(string text)
    {
        Span<byte> buffer = stackalloc byte[text.Length];
        return Convert.TryFromBase64String(text, buffer, out _);
    }

    static void AddLlama3Specials(Dictionary<string, int> specials)
    {
        string[] named = ["<|begin_of_text|>", "<|end_of_text|>", "<|reserved_special_token_0|>", "<|reserved_special_token_1|>",
            "<|reserved_special_token_2|>", "<|reserved_special_token_3|>", "<|start_header_id|>", "<|end_header_id|>",
            "<|reserved_special_token_4|>", "<|eot_id|>"];
        for (int i = 0; i < named.Length; i++) specials[named[i]] = 128_000 + i;
        for (int i = named.Length; i < 256; i++) specials[$"<|reserved_special_token_{i - 5}|>"] = 128_000 + i;
    }
}
