using Preference.Models.Llama;
using Preference.Models.Lora;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Preference.Models.Generation.CpuFastPath;

/// <summary>
/// Decides whether a model may run through the fused CPU kernels (<see cref="FusedLlamaLayers"/>: generation's
/// <see cref="FusedLlamaDecoder"/>, scoring's <see cref="FusedLlamaPrefill"/>): a float32 LLaMA-family model on the CPU
/// whose projections are plain Linear layers (or LoRA wrappers that are disabled or merged, which compute exactly
/// their base weight). Anything else keeps the torch path.
/// </summary>
public static class FusedCpuEligibility
{
    static readonly string[] Projections = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj", "lm_head"];

    /// <summary>Null when generation with these options may run fused; otherwise why not, for logs and tests.</summary>
    public static string? WhyNot(CausalLanguageModel model, GenerationOptions options)
    {
        if (!options.UseFusedCpuKernel) return "disabled by GenerationOptions.UseFusedCpuKernel";
        if (!options.UseKvCache) return "the KV cache is off, so every step recomputes the prefix on the torch path";
        return WhyNot(model);
    }

    /// <summary>Null when the model's forward may run fused; otherwise why not, for logs and tests.</summary>
    public static string? WhyNot(CausalLanguageModel model)
    {
        if (model is not LlamaForCausalLM) return $"{model.GetType().Name} is not a LLaMA-family model";
        if (model.Device.type != DeviceType.CPU) return $"the model is on {model.Device}, not the CPU";
        if (model.parameters().Any(p => p.dtype != ScalarType.Float32)) return "the model's weights are not all float32";
        foreach (var (name, module) in model.named_modules())
        {
            if (!Projections.Contains(name[(name.LastIndexOf('.') + 1)..])) continue;
            switch (module)
            {
                case LoraLinear { Enabled: true, Merged: false }: return $"{name} has an active LoRA adapter";
                case LoraLinear or Linear: break;
                default: return $"{name} is a {module.GetType().Name}, which the fused kernel does not know";
            }
        }
        return null;
    }
}
