using Google.Protobuf;
using Microsoft.ML.Tokenizers;

namespace Preference.Models.Tokenization;

/// <summary>
/// Finds and reads a model's tokenizer, detecting the format from the file: llama2.c <c>tok*.bin</c>,
/// SentencePiece <c>tokenizer.model</c> (or Llama 3's tiktoken-text <c>tokenizer.model</c>), Hugging Face
/// <c>tokenizer.json</c> and <c>*.tiktoken</c>; <c>tokenizer_config.json</c> beside it supplies BOS/EOS/pad,
/// added tokens and the chat template. Every failure is a <see cref="TokenizerFormatException"/> naming the file.
/// </summary>
public static class TokenizerLoader
{
    /// <summary>What a model directory is searched for, in order of preference.</summary>
    static readonly string[] DirectoryCandidates = ["tokenizer.json", "tokenizer.model", "*.tiktoken", "tok*.bin", "tokenizer.bin"];

    /// <param name="path">A tokenizer file, or a model directory holding one.</param>
    /// <param name="chatTemplate">Overrides whatever template the files name.</param>
    public static ModelTokenizer Load(string path, ChatTemplate? chatTemplate = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string file = Directory.Exists(path) ? FindInDirectory(path)
            : File.Exists(path) ? path
            : throw new TokenizerFormatException(path, "no such file or directory");
        if (Path.GetFileName(file) == "tokenizer_config.json") file = FindInDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);

        string name = Path.GetFileName(file);
        string? configPath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(file))!, "tokenizer_config.json");
        var config = File.Exists(configPath) ? TokenizerConfig.Read(configPath) : null;

        if (name.EndsWith(".bin", StringComparison.OrdinalIgnoreCase))
            return LoadLlama2c(file, Llama2cTokenizerFile.CountEntries(file), chatTemplate);

        var parts = name.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? HfTokenizerJson.Read(file)
            : name.EndsWith(".tiktoken", StringComparison.OrdinalIgnoreCase) ? TiktokenFile.Read(file, config?.AddedTokens)
            : name.EndsWith(".model", StringComparison.OrdinalIgnoreCase)
                ? TiktokenFile.LooksLikeTiktoken(file) ? TiktokenFile.Read(file, config?.AddedTokens) : ReadSentencePiece(file)
            : throw new TokenizerFormatException(file, "unknown tokenizer format; expected tokenizer.json, tokenizer.model, *.tiktoken or a llama2.c tok*.bin");
        return Assemble(file, parts, config, chatTemplate);
    }

    /// <summary>A llama2.c tokenizer; <paramref name="vocabSize"/> comes from the model header, which the file lacks.</summary>
    public static ModelTokenizer LoadLlama2c(string path, int vocabSize, ChatTemplate? chatTemplate = null)
    {
        var inner = Llama2cTokenizer.Load(path, vocabSize);
        // llama2.c models have no chat tokens; the HH-RLHF plain dialogue is the format our data uses with them.
        return new ModelTokenizer(inner, "llama2c", inner.VocabSize, Llama2cTokenizer.BosId, Llama2cTokenizer.EosId,
            chatTemplate: chatTemplate ?? ChatTemplate.HumanAssistant) { SourcePath = Path.GetFullPath(path) };
    }

    static string FindInDirectory(string directory)
    {
        foreach (string pattern in DirectoryCandidates)
        {
            var match = Directory.EnumerateFiles(directory, pattern).Order(StringComparer.Ordinal).FirstOrDefault();
            if (match is not null) return match;
        }
        throw new TokenizerFormatException(directory, $"no tokenizer found (looked for {string.Join(", ", DirectoryCandidates)})");
    }

    static TokenizerParts ReadSentencePiece(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            var inner = SentencePieceTokenizer.Create(stream, addBeginningOfSentence: false, addEndOfSentence: false);
            var vocabulary = inner.Vocabulary;
            if (vocabulary.Count == 0) throw new TokenizerFormatException(path, "the SentencePiece model has no pieces");
            // Control pieces are matched in text as Hugging Face's LlamaTokenizer does, so "<s>" in a template is BOS.
            var specials = new[] { inner.BeginningOfSentenceToken, inner.EndOfSentenceToken }
                .Where(t => vocabulary.ContainsKey(t))
                .Distinct()
                .ToDictionary(t => t, t => vocabulary[t]);
            return new TokenizerParts(inner, "sentencepiece", vocabulary, specials, inner.BeginningOfSentenceToken, inner.EndOfSentenceToken);
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or ArgumentException or InvalidOperationException
                                      or NotSupportedException or IndexOutOfRangeException or KeyNotFoundException)
        {
            throw new TokenizerFormatException(path, $"not a readable SentencePiece model ({e.Message})", e);
        }
    }

    static ModelTokenizer Assemble(string file, TokenizerParts parts, TokenizerConfig? config, ChatTemplate? chatTemplate)
    {
        var specials = new Dictionary<string, int>(parts.SpecialTokens);
        foreach (var (token, id) in config?.AddedTokens ?? new Dictionary<string, int>()) specials.TryAdd(token, id);
        var merged = parts with { SpecialTokens = specials };

        int? IdOf(string? token, string what)
        {
            if (token is null) return null;
            return merged.IdOf(token) ?? throw new TokenizerFormatException(file, $"{what} token '{token}' is not in the vocabulary");
        }

        int bos = config is { DeclaresBosToken: true }
            ? IdOf(config.BosToken, "bos") ?? -1
            : merged.IdOf(parts.BosToken) ?? -1;
        int eos = IdOf(config?.EosToken, "eos") ?? merged.IdOf(parts.EosToken)
            ?? throw new TokenizerFormatException(file, "no end-of-sequence token: neither the file nor tokenizer_config.json names one");
        int? pad = IdOf(config?.PadToken, "pad");

        string? source = config?.ChatTemplate;
        var template = chatTemplate ?? (source is null ? null : ChatTemplateDetector.Detect(source, config?.BosToken, config?.EosToken));
        return new ModelTokenizer(parts.Inner, parts.Format, merged.VocabSize, bos, eos, pad, specials, template, source, parts.Vocabulary,
            addBosToken: config?.AddBosToken ?? true)
        {
            SourcePath = Path.GetFullPath(file),
        };
    }
}
