using Preference.Models;
using Preference.Models.Freezing;
using Preference.Models.Lora;

namespace Preference.Training.Sft;

/// <summary>Decides what trains: LoRA adapters only, everything but the frozen layers, or the whole model.</summary>
public static class SftModelPreparation
{
    public static void Apply(CausalLanguageModel model, SftConfig config)
    {
        if (config.Lora is { } lora)
        {
            LoraAdapters.Apply(model, config.DisableDropout ? lora with { Dropout = 0 } : lora);
            return;
        }
        if (config.FreezeEmbeddings) LayerFreezing.FreezeEmbeddings(model);
        if (config.FreezeLayers > 0) LayerFreezing.FreezeFirstLayers(model, config.FreezeLayers);
    }
}
