using Preference.Models.Freezing;
using Preference.Models.Lora;
using TorchSharp;
using static TorchSharp.torch;

namespace Preference.Training.Common;

/// <summary>
/// Which weights of a model a run trains: LoRA adapters only, everything but the first layers (and embeddings), or all
/// of it. One implementation for every stage that tunes a language model.
/// </summary>
/// <param name="DisableDropout">Dropout off everywhere, the model's and LoRA's (TRL's disable_dropout).</param>
public sealed record TrainableParts(LoraConfig? Lora, int FreezeLayers = 0, bool FreezeEmbeddings = false, bool DisableDropout = false)
{
    public void Apply(nn.Module model)
    {
        if (Lora is { } lora)
        {
            LoraAdapters.Apply(model, DisableDropout ? lora with { Dropout = 0 } : lora);
            return;
        }
        if (FreezeEmbeddings) LayerFreezing.FreezeEmbeddings(model);
        if (FreezeLayers > 0) LayerFreezing.FreezeFirstLayers(model, FreezeLayers);
    }
}
