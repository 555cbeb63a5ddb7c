using Preference.Models.Lora;
using TorchSharp;
using static TorchSharp.torch;

namespace Preference.Training.Ppo;

/// <summary>
/// A LoRA policy's trainable state as a module of its own, so a checkpoint holds the adapters alone (the base weights
/// never change and are loaded again from the policy's path) while restoring still copies into the live parameters:
/// the parameters here are the adapter layers' own tensors, registered again under flat names.
/// </summary>
sealed class AdapterCheckpointModule : nn.Module
{
    public AdapterCheckpointModule(nn.Module policy) : base(nameof(AdapterCheckpointModule))
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, layer) in policy.Adapters())
        {
            // State-dict keys are dotted paths of registered modules; a flat key with '.' would be read back as one.
            string flat = name.Replace('.', '_');
            if (!seen.Add(flat)) throw new InvalidOperationException($"two adapter layers flatten to the same name '{flat}'");
            register_parameter(flat + "_lora_A", layer.LoraA);
            register_parameter(flat + "_lora_B", layer.LoraB);
        }
        if (seen.Count == 0) throw new ArgumentException("the policy has no LoRA adapters", nameof(policy));
    }
}
