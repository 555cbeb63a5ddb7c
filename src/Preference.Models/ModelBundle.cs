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
    public static ModelBundle Load(string? path, torch.Device device)
    {
        path ??= EmbeddedDefaultPath;
        var (model, tokenizerPath) = LoadModel(path);
        try
        {
            var tokenizer = tokenizerPath.EndsWith(".bin", StringComparison.OrdinalIgnoreCase)
                ? TokenizerLoader.LoadLlama2c(tokenizerPath, model.Shape.VocabSize)
                : TokenizerLoader.Load(tokenizerPath);
            if (tokenizer.VocabSize > model.Shape.VocabSize)
                throw new ModelFormatException(tokenizerPath,
                    $"tokenizer has {tokenizer.VocabSize} tokens but the model's vocabulary has {model.Shape.VocabSize}; they do not belong together");
            model.to(device);
            return new ModelBundle(model, tokenizer, path);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    static (CausalLanguageModel Model, string TokenizerPath) LoadModel(string path)
    {
        if (File.Exists(path) && path.EndsWith(".bin", StringComparison.OrdinalIgnoreCase))
        {
            var tokenizer = FindLlama2cTokenizer(path);
            return (Llama2cCheckpoint.Load(path), tokenizer);
        }
        if (Directory.Exists(path))
            return (HuggingFaceCheckpoint.Load(path), path);
        throw new ModelFormatException(path, File.Exists(path)
            ? "not a model: expected a llama2.c .bin file or a Hugging Face directory (config.json + safetensors)"
            : "no such file or directory");
    }

    static string FindLlama2cTokenizer(string modelPath)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(modelPath))!;
        return Directory.EnumerateFiles(directory, "tok*.bin").Order(StringComparer.Ordinal).FirstOrDefault()
               ?? throw new ModelFormatException(modelPath, $"no llama2.c tokenizer (tok*.bin) beside the model in {directory}");
    }

    public void Dispose() => Model.Dispose();
}
