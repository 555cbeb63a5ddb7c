using Preference.Models;
using Preference.Models.Loading;
using Preference.Models.Lora;

namespace Preference.Training.Common;

/// <summary>
/// Writes a tuned language model for others to load: with LoRA, the adapters in PEFT's layout (and, when asked, the
/// model with adapters merged in, under merged/); otherwise the whole model as a Hugging Face directory. Tokenizer
/// files of a Hugging Face base model come along, so the export loads on its own.
/// </summary>
public static class ModelExport
{
    /// <param name="modelSource">The base model's path (null = bundled stories260K), recorded in the adapter config.</param>
    /// <returns>The merged model's directory, or null when nothing was merged.</returns>
    public static string? Save(CausalLanguageModel model, LoraConfig? lora, string? modelSource, string directory, bool merge,
        CancellationToken cancellationToken)
    {
        if (lora is null)
        {
            HuggingFaceCheckpoint.Save(model, directory, cancellationToken: cancellationToken);
            TokenizerFilesCopy.Into(modelSource, directory);
            return null;
        }
        PeftAdapterFiles.Save(model, lora, directory, modelSource ?? "stories260K", model.ModelType);
        if (!merge) return null;
        // Merging is the last thing a run does: it turns the adapters into plain weights for good.
        model.MergeAndUnload();
        var merged = Path.Combine(directory, "merged");
        HuggingFaceCheckpoint.Save(model, merged, cancellationToken: cancellationToken);
        TokenizerFilesCopy.Into(modelSource, merged);
        return merged;
    }
}
