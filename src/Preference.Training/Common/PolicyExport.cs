using Preference.Models;
using Preference.Models.Loading;
using Preference.Models.Lora;
using Preference.Models.Tokenization;

namespace Preference.Training.Common;

/// <summary>
/// Writes a trained policy the way every online trainer (PPO, GRPO) hands it over: a Hugging Face directory with its
/// tokenizer, or with LoRA the PEFT adapters there and (unless merging is off) the merged model in merged/
/// (see <see cref="LoraExport"/>).
/// </summary>
public static class PolicyExport
{
    /// <param name="policySource">Where the base policy came from (null = bundled stories260K), for adapter_config.json.</param>
    /// <returns>The directory holding the usable model, and the adapters' directory (LoRA) or null.</returns>
    public static (string Model, string? Adapters) Save(CausalLanguageModel policy, ModelTokenizer tokenizer, LoraConfig? lora,
        bool mergeAdapters, string? policySource, string directory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        if (lora is null)
        {
            HuggingFaceCheckpoint.Save(policy, tokenizer, directory, cancellationToken: cancellationToken);
            return (directory, null);
        }
        // Merging is the last thing a run does: the adapters become plain weights and the reference is gone.
        var merged = LoraExport.Save(policy, lora, tokenizer, policySource, directory, mergeAdapters, cancellationToken);
        return (merged ?? directory, directory);
    }
}
