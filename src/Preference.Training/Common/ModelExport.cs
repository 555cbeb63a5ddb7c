using Preference.Models;
using Preference.Models.Loading;
using Preference.Models.Lora;
using Preference.Models.Tokenization;

namespace Preference.Training.Common;

/// <summary>
/// Writes a tuned language model for others to load, for every stage (SFT, DPO, KTO, PPO, GRPO): the whole model as a
/// Hugging Face directory with its tokenizer, or with LoRA the adapters in PEFT's layout (with the base they apply to
/// and, when asked, the model with adapters merged in under merged/: see <see cref="LoraExport"/>).
/// </summary>
public static class ModelExport
{
    /// <param name="modelSource">The base model's path (null = bundled stories260K), recorded in the adapter config.</param>
    /// <returns>The merged model's directory, or null when nothing was merged.</returns>
    public static string? Save(CausalLanguageModel model, ModelTokenizer tokenizer, LoraConfig? lora, string? modelSource,
        string directory, bool merge, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        if (lora is null)
        {
            HuggingFaceCheckpoint.Save(model, tokenizer, directory, cancellationToken: cancellationToken);
            return null;
        }
        // Merging is the last thing a run does: it turns the adapters into plain weights for good.
        return LoraExport.Save(model, lora, tokenizer, modelSource, directory, merge, cancellationToken);
    }
}
