using Preference.Models.Llama;
using Preference.Models.Lora;
using TorchSharp;

namespace Preference.Models.Loading;

/// <summary>A model loaded from disk, with the tokenizer files found beside it (most specific first).</summary>
public sealed record LoadedModel(CausalLanguageModel Model, string Source, IReadOnlyList<string> TokenizerFiles);

/// <summary>
/// The one entry point for "a model path a user typed": a llama2.c <c>.bin</c> file, a Hugging Face directory
/// (config.json + safetensors) or a PEFT adapter directory (adapter_config.json + adapter_model.safetensors, on the
/// base model it names). Anything else is refused with a message that says what was expected.
/// </summary>
public static class ModelLoader
{
    static readonly string[] HuggingFaceTokenizerFiles = ["tokenizer.json", "tokenizer.model", "vocab.json", "merges.txt"];

    public static LoadedModel Load(string path, ModelLoadOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= ModelLoadOptions.Default;
        options.Validate();
        if (Directory.Exists(path))
        {
            if (File.Exists(Path.Combine(path, PeftAdapterFiles.ConfigFileName)))
                return LoadAdapted(path, options, cancellationToken);
            if (!File.Exists(Path.Combine(path, HuggingFaceCheckpoint.ConfigFileName)))
                throw new ModelFormatException(path, "the directory has no config.json; expected a Hugging Face model directory or a llama2.c .bin file");
            return new LoadedModel(HuggingFaceCheckpoint.Load(path, options, cancellationToken), path, FindTokenizer(path));
        }
        if (!File.Exists(path)) throw new ModelFormatException(path, "no such file or directory");

        var fileName = Path.GetFileName(path);
        if (fileName == HuggingFaceCheckpoint.ConfigFileName)
            return Load(Path.GetDirectoryName(Path.GetFullPath(path))!, options, cancellationToken);
        if (fileName == "pytorch_model.bin")
            throw new ModelFormatException(path, "pickled PyTorch weights are not loaded (they can run code); convert to safetensors, e.g. model.save_pretrained(dir, safe_serialization=True)");
        if (fileName.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase))
            throw new ModelFormatException(path, "a safetensors file alone has no architecture; give the directory that holds it and its config.json");
        if (fileName.EndsWith(".bin", StringComparison.OrdinalIgnoreCase))
            return new LoadedModel(LoadLlama2c(path, options), path, FindTokenizer(path));
        throw new ModelFormatException(path, "unknown model format: expected a llama2.c .bin file or a Hugging Face directory with config.json");
    }

    /// <summary>
    /// A PEFT adapter directory: the base model its adapter_config.json names (see
    /// <see cref="PeftAdapterFiles.ResolveBaseModel"/>), with the adapters loaded and merged in, so the result runs as
    /// an ordinary model. The tokenizer is the adapter directory's own, else the base model's.
    /// </summary>
    static LoadedModel LoadAdapted(string directory, ModelLoadOptions options, CancellationToken cancellationToken)
    {
        var basePath = PeftAdapterFiles.ResolveBaseModel(directory);
        if (Directory.Exists(basePath) && File.Exists(Path.Combine(basePath, PeftAdapterFiles.ConfigFileName)))
            throw new ModelFormatException(Path.Combine(directory, PeftAdapterFiles.ConfigFileName),
                $"field 'base_model_name_or_path' names another adapter directory ({basePath}); name the base model it was trained on");
        var loaded = Load(basePath, options, cancellationToken);
        try
        {
            PeftAdapterFiles.Load(loaded.Model, directory);
            loaded.Model.MergeAndUnload();
            // Applying adapters froze the base weights; merged, the model is an ordinary one that may be trained on.
            foreach (var parameter in loaded.Model.parameters()) parameter.requires_grad = true;
            loaded.Model.eval();
        }
        catch
        {
            loaded.Model.Dispose();
            throw;
        }
        var tokenizer = FindTokenizer(directory);
        return new LoadedModel(loaded.Model, directory, tokenizer.Count > 0 ? tokenizer : loaded.TokenizerFiles);
    }

    static LlamaForCausalLM LoadLlama2c(string path, ModelLoadOptions options)
    {
        var model = Llama2cCheckpoint.Load(path);
        model.to(options.DType);
        if (options.Device is { } device) model.to(device);
        model.eval();
        return model;
    }

    /// <summary>
    /// Tokenizer files beside a model: tokenizer.json / tokenizer.model / vocab.json + merges.txt in a Hugging Face
    /// directory (or, in a directory converted from llama2.c, its tokenizer.bin / tok*.bin); tokenizer.bin or tok*.bin
    /// next to a llama2.c checkpoint. Empty when there is none.
    /// </summary>
    public static IReadOnlyList<string> FindTokenizer(string modelPath)
    {
        if (Directory.Exists(modelPath))
        {
            var huggingFace = HuggingFaceTokenizerFiles.Select(f => Path.Combine(modelPath, f)).Where(File.Exists).ToList();
            // A model converted from llama2.c (SFT/PPO exports of stories260K) carries its tok*.bin instead.
            return huggingFace.Count > 0 ? huggingFace : Llama2cTokenizers(Path.GetFullPath(modelPath), modelFile: null);
        }
        return Llama2cTokenizers(Path.GetDirectoryName(Path.GetFullPath(modelPath))!, Path.GetFullPath(modelPath));
    }

    static IReadOnlyList<string> Llama2cTokenizers(string directory, string? modelFile)
    {
        var preferred = Path.Combine(directory, "tokenizer.bin");
        var others = Directory.EnumerateFiles(directory, "tok*.bin")
            .Where(f => f != modelFile && f != preferred)
            .Order(StringComparer.Ordinal);
        return [.. (File.Exists(preferred) ? [preferred] : Array.Empty<string>()).Concat(others)];
    }
}
