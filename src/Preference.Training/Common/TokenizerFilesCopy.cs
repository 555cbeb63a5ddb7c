using Preference.Models;
using Preference.Models.Loading;

namespace Preference.Training.Common;

/// <summary>
/// Copies a model's tokenizer files into an export, so the exported directory loads on its own (here and, for a
/// Hugging Face tokenizer, in transformers): the HF tokenizer files of a model directory, or the tokenizer a llama2.c
/// model keeps beside it (tok*.bin, e.g. the bundled stories260K's).
/// </summary>
static class TokenizerFilesCopy
{
    static readonly string[] Files =
        ["tokenizer.json", "tokenizer.model", "tokenizer_config.json", "special_tokens_map.json", "vocab.json", "merges.txt"];

    /// <param name="modelSource">The base model's path; null is the bundled stories260K.</param>
    public static void Into(string? modelSource, string directory)
    {
        var source = modelSource ?? ModelBundle.EmbeddedDefaultPath;
        var found = ModelLoader.FindTokenizer(source);
        var extra = Directory.Exists(source) ? Files.Select(name => Path.Combine(source, name)).Where(File.Exists) : [];
        foreach (var file in found.Concat(extra).Distinct())
            File.Copy(file, Path.Combine(directory, Path.GetFileName(file)), overwrite: true);
    }
}
