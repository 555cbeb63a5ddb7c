using Preference.Models.Loading;
using Preference.Models.Tokenization;

namespace Preference.Models.Lora;

/// <summary>
/// What a LoRA run leaves for its users, in one directory: the adapters in PEFT's layout with the tokenizer beside
/// them, the base model they apply to, and optionally the merged model. PEFT needs a Hugging Face base: when the
/// base was one (a directory with config.json) adapter_config.json points at it; otherwise (a llama2.c <c>.bin</c>,
/// the bundled model) the base is written to <c>base/</c> in Hugging Face layout and named relative to the adapters,
/// which <see cref="ModelLoader"/> resolves (PEFT resolves it from the working directory, or takes the base model
/// as an argument: <c>PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained("DIR/base"), "DIR")</c>).
/// </summary>
public static class LoraExport
{
    public const string BaseDirectoryName = "base";
    public const string MergedDirectoryName = "merged";

    /// <param name="baseModelPath">Where the base model was loaded from (null for one not loaded from disk).</param>
    /// <param name="merge">Also write the merged model to <c>merged/</c>; this merges the adapters into
    /// <paramref name="model"/> for good, so it is the last thing done with it.</param>
    /// <returns>The merged model's directory, or null.</returns>
    public static string? Save(CausalLanguageModel model, LoraConfig lora, ModelTokenizer tokenizer, string? baseModelPath, string directory,
        bool merge, CancellationToken cancellationToken = default)
    {
        string baseReference;
        if (baseModelPath is not null && File.Exists(Path.Combine(baseModelPath, HuggingFaceCheckpoint.ConfigFileName)))
            baseReference = Path.GetFullPath(baseModelPath);
        else
        {
            // Unmerged adapters are left out of the saved weights, so this is the base alone.
            HuggingFaceCheckpoint.Save(model, tokenizer, Path.Combine(directory, BaseDirectoryName), cancellationToken: cancellationToken);
            baseReference = BaseDirectoryName;
        }
        PeftAdapterFiles.Save(model, lora, directory, baseReference);
        HuggingFaceTokenizerFiles.Write(tokenizer, directory, model.Shape.MaxPositions);
        if (!merge) return null;
        model.MergeAndUnload();
        var merged = Path.Combine(directory, MergedDirectoryName);
        HuggingFaceCheckpoint.Save(model, tokenizer, merged, cancellationToken: cancellationToken);
        return merged;
    }
}
