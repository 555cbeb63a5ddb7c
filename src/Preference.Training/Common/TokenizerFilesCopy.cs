namespace Preference.Training.Common;

/// <summary>
/// Copies a Hugging Face model directory's tokenizer files into an export, so the exported directory loads on its own
/// (here and in transformers). A llama2.c model's tokenizer (tok*.bin) has no HF form; such exports need --tokenizer.
/// </summary>
static class TokenizerFilesCopy
{
    static readonly string[] Files =
        ["tokenizer.json", "tokenizer.model", "tokenizer_config.json", "special_tokens_map.json", "vocab.json", "merges.txt"];

    public static void Into(string? modelSource, string directory)
    {
        if (modelSource is null || !Directory.Exists(modelSource)) return;
        foreach (var name in Files)
        {
            var source = Path.Combine(modelSource, name);
            if (File.Exists(source)) File.Copy(source, Path.Combine(directory, name), overwrite: true);
        }
    }
}
