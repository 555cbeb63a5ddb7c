using Preference.Models.Loading;
using Preference.Models.Tokenization;
using TorchSharp;

namespace Preference.Models;

/// <summary>A model with its tokenizer, loaded from a llama2.c file or a Hugging Face directory.</summary>
public sealed class ModelBundle(CausalLanguageModel model, ModelTokenizer tokenizer, string source) : IDisposable
{
    public CausalLanguageModel Model { get; } = model;
    public ModelTokenizer Tokenizer { get; } = tokenizer;
    public string Source { get; } = source;

    /// <summary>The stories260K model shipped with the application (MIT, licence beside it).</summary>
    public static string EmbeddedDefaultPath =>
        Path.Combine(AppContext.BaseDirectory, "models", "stories260K", "stories260K.bin");

    /// <param name="path">A llama2.c <c>.bin</c> (tokenizer <c>tok*.bin</c> beside it), a HF directory, or null for the embedded model.</param>
    /// <param name="device">Where the weights go.</param>
    /// <param name="tokenizerPath">A tokenizer to use instead of the one found beside the model.</param>
    public static ModelBundle Load(string? path, torch.Device device, string? tokenizerPath = null, CancellationToken cancellationToken = default)
    {
        path ??= EmbeddedDefaultPath;
        var loaded = ModelLoader.Load(path, new ModelLoadOptions { Device = device }, cancellationToken);
        var model = loaded.Model;
        try
        {
            tokenizerPath ??= loaded.TokenizerFiles.FirstOrDefault()
                              ?? throw new ModelFormatException(path, "no tokenizer found beside the model (tokenizer.json, tokenizer.model or tok*.bin)");
            var tokenizer = tokenizerPath.EndsWith(".bin", StringComparison.OrdinalIgnoreCase)
                ? TokenizerLoader.LoadLlama2c(tokenizerPath, Llama2cVocabularySize(tokenizerPath, model))
                : TokenizerLoader.Load(Directory.Exists(path) && tokenizerPath.StartsWith(path, StringComparison.Ordinal) ? path : tokenizerPath);
            if (tokenizer.VocabSize > model.Shape.VocabSize)
                throw new ModelFormatException(tokenizerPath,
                    $"tokenizer has {tokenizer.VocabSize} tokens but the model's vocabulary has {model.Shape.VocabSize}; they do not belong together");
            return new ModelBundle(model, tokenizer, path);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    // A llama2.c tokenizer file does not record its size; the model's is the right one unless the file holds fewer.
    static int Llama2cVocabularySize(string tokenizerPath, CausalLanguageModel model)
    {
        int entries = Llama2cTokenizerFile.CountEntries(tokenizerPath);
        if (entries != model.Shape.VocabSize)
            throw new ModelFormatException(tokenizerPath,
                $"tokenizer has {entries} tokens but the model's vocabulary has {model.Shape.VocabSize}; they do not belong together");
        return entries;
    }

    public void Dispose() => Model.Dispose();
}
