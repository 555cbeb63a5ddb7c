using System.Text.Json;
using System.Text.Json.Nodes;

namespace Preference.Models.Tokenization;

/// <summary>
/// Writes a model's tokenizer into an exported directory in the files transformers' <c>AutoTokenizer</c> reads, so
/// every export loads on its own (here and there). A tokenizer read from Hugging Face files is copied as it came; a
/// llama2.c <c>tok*.bin</c> is converted (<see cref="Llama2cTokenizerConversion"/>) to <c>tokenizer.model</c>,
/// <c>tokenizer.json</c>, <c>tokenizer_config.json</c> and <c>special_tokens_map.json</c>.
/// </summary>
public static class HuggingFaceTokenizerFiles
{
    public const string TokenizerJson = "tokenizer.json";
    public const string SentencePieceModel = "tokenizer.model";
    public const string ConfigFileName = "tokenizer_config.json";
    public const string SpecialTokensMap = "special_tokens_map.json";

    /// <summary>Every file a Hugging Face tokenizer may consist of (Llama, GPT-2, tiktoken-based models).</summary>
    static readonly string[] Copied =
        [TokenizerJson, SentencePieceModel, ConfigFileName, SpecialTokensMap, "added_tokens.json", "vocab.json", "merges.txt"];

    static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <param name="modelMaxLength">The model's context length, written as model_max_length for a converted tokenizer.</param>
    public static void Write(ModelTokenizer tokenizer, string directory, int? modelMaxLength = null)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        Directory.CreateDirectory(directory);
        if (tokenizer.Inner is Llama2cTokenizer llama2c)
        {
            WriteFile(Path.Combine(directory, SentencePieceModel), Llama2cTokenizerConversion.SentencePieceModelBytes(llama2c));
            WriteJson(Path.Combine(directory, TokenizerJson), Llama2cTokenizerConversion.TokenizerJson(llama2c));
            WriteJson(Path.Combine(directory, ConfigFileName), Llama2cTokenizerConversion.TokenizerConfig(modelMaxLength));
            WriteJson(Path.Combine(directory, SpecialTokensMap), Llama2cTokenizerConversion.SpecialTokensMap());
            return;
        }

        var source = tokenizer.SourcePath
            ?? throw new InvalidOperationException($"this {tokenizer.Format} tokenizer was not read from files, so there are none to write");
        var sourceDirectory = Path.GetFullPath(Directory.Exists(source) ? source : Path.GetDirectoryName(Path.GetFullPath(source))!);
        if (sourceDirectory == Path.GetFullPath(directory)) return;
        var files = Copied.Select(name => Path.Combine(sourceDirectory, name))
            .Concat(Directory.EnumerateFiles(sourceDirectory, "*.tiktoken"))
            .Where(File.Exists)
            .ToList();
        if (files.Count == 0)
            throw new InvalidOperationException($"{sourceDirectory}: no Hugging Face tokenizer files to copy ({string.Join(", ", Copied)})");
        foreach (var file in files)
            File.Copy(file, Path.Combine(directory, Path.GetFileName(file)), overwrite: true);
    }

    /// <summary>
    /// The pad id the written files declare: &lt;unk&gt; for a converted llama2.c tokenizer, the tokenizer's own pad
    /// otherwise, or null when it has none (transformers then pads with nothing it can tell from text).
    /// </summary>
    public static int? ExportedPadId(ModelTokenizer tokenizer) =>
        tokenizer.Inner is Llama2cTokenizer ? Llama2cTokenizer.UnknownId : tokenizer.HasPad ? tokenizer.PadId : null;

    static void WriteJson(string path, JsonNode json) => WriteFile(path, System.Text.Encoding.UTF8.GetBytes(json.ToJsonString(Indented) + "\n"));

    static void WriteFile(string path, byte[] bytes)
    {
        var temporary = path + ".partial";
        File.WriteAllBytes(temporary, bytes);
        File.Move(temporary, path, overwrite: true);
    }
}
