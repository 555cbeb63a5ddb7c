using Preference.Models;
using Preference.Models.Loading;
using Preference.Models.Lora;

namespace Preference.Training.Common;

/// <summary>
/// Writes a trained policy the way every online trainer (PPO, GRPO) hands it over: a Hugging Face directory with its
/// tokenizer files, or with LoRA the PEFT adapters there and (unless merging is off) the merged model in merged/.
/// </summary>
public static class PolicyExport
{
    /// <param name="tokenizerFiles">Copied beside the model so it loads on its own; null copies none.</param>
    /// <param name="policySource">Where the base policy came from (null = bundled stories260K), for adapter_config.json.</param>
    /// <returns>The directory holding the usable model, and the adapters' directory (LoRA) or null.</returns>
    public static (string Model, string? Adapters) Save(CausalLanguageModel policy, LoraConfig? lora, bool mergeAdapters,
        IReadOnlyList<string>? tokenizerFiles, string? policySource, string directory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        if (lora is null)
        {
            SaveModel(policy, tokenizerFiles, directory, cancellationToken);
            return (directory, null);
        }
        PeftAdapterFiles.Save(policy, lora, directory, policySource ?? "stories260K", policy.ModelType);
        if (!mergeAdapters) return (directory, directory);
        // Merging is the last thing a run does: the adapters become plain weights and the reference is gone.
        policy.MergeAndUnload();
        var merged = Path.Combine(directory, "merged");
        SaveModel(policy, tokenizerFiles, merged, cancellationToken);
        return (merged, directory);
    }

    static void SaveModel(CausalLanguageModel policy, IReadOnlyList<string>? tokenizerFiles, string directory, CancellationToken cancellationToken)
    {
        HuggingFaceCheckpoint.Save(policy, directory, cancellationToken: cancellationToken);
        if (tokenizerFiles is not null)
            foreach (var file in tokenizerFiles) File.Copy(file, Path.Combine(directory, Path.GetFileName(file)), overwrite: true);
    }
}
