using Preference.Models;
using Preference.Models.Loading;
using Preference.Models.Lora;
using Preference.Models.Tokenization;
using Preference.Training.Ppo;
using TorchSharp;
using static TorchSharp.torch;

namespace Preference.Training.Grpo;

/// <summary>
/// The networks a critic-free run holds: the policy, and a frozen reference only when the KL term needs one
/// (β > 0). With LoRA the reference is the policy's own weights with the adapters off, so no second copy is kept
/// either way. There is no value model. Owns and disposes them.
/// </summary>
public sealed class GrpoModels : IDisposable
{
    readonly CausalLanguageModel? _separateReference;

    GrpoModels(CausalLanguageModel policy, CausalLanguageModel? separateReference, ModelTokenizer tokenizer, LoraConfig? lora)
    {
        Policy = policy;
        _separateReference = separateReference;
        Tokenizer = tokenizer;
        Lora = lora;
        // Dropout off everywhere, so the sampling policy's log-probs and the update's come from the same network.
        policy.eval();
        if (separateReference is not null)
        {
            foreach (var parameter in separateReference.parameters()) parameter.requires_grad = false;
            separateReference.eval();
        }
    }

    public CausalLanguageModel Policy { get; }

    public ModelTokenizer Tokenizer { get; }

    /// <summary>The adapters on the policy (dropout 0), or null for full fine-tuning.</summary>
    public LoraConfig? Lora { get; }

    /// <summary>Whether reference log-probs can be taken: a separate frozen copy, or the LoRA policy's base weights.</summary>
    public bool HasReference => _separateReference is not null || Lora is not null;

    /// <summary>The model that computes the reference, inside <see cref="ReferenceScope"/>; null when none was loaded.</summary>
    public CausalLanguageModel? Reference => _separateReference ?? (Lora is not null ? Policy : null);

    /// <summary>Where the policy came from (null = bundled stories260K), for a LoRA export's adapter_config.json.</summary>
    public string? PolicySource { get; init; }

    /// <summary>Within the returned scope <see cref="Reference"/> computes the reference distribution (LoRA: adapters off).</summary>
    public IDisposable ReferenceScope() => Lora is null ? NoScope.Instance : Policy.DisabledAdapters();

    public IEnumerable<TorchSharp.Modules.Parameter> TrainableParameters() => Policy.parameters().Where(p => p.requires_grad);

    /// <summary>What a checkpoint saves: the whole policy, or with LoRA its adapters alone.</summary>
    public IReadOnlyDictionary<string, nn.Module> CheckpointModules() => new Dictionary<string, nn.Module>
    {
        [Lora is null ? "policy" : "policy_adapters"] = Lora is null ? Policy : new AdapterCheckpointModule(Policy),
    };

    /// <summary>
    /// Loads the policy a config names (null = bundled stories260K), puts adapters on it with LoRA, and loads a
    /// separate frozen reference only for full fine-tuning with β > 0; with β = 0 no reference exists at all.
    /// </summary>
    public static GrpoModels Load(GrpoConfig config, torch.Device device)
    {
        var policy = ModelBundle.Load(config.Policy, device);
        LoraConfig? lora = null;
        if (config.Lora is { } requested)
        {
            lora = requested with { Dropout = 0 };
            LoraAdapters.Apply(policy.Model, lora);
        }
        var reference = config.Beta > 0 && lora is null ? ModelBundle.Load(config.Policy, device).Model : null;
        return new GrpoModels(policy.Model, reference, policy.Tokenizer, lora) { PolicySource = config.Policy };
    }

    public void Dispose()
    {
        Policy.Dispose();
        _separateReference?.Dispose();
    }

    sealed class NoScope : IDisposable
    {
        public static readonly NoScope Instance = new();
        public void Dispose() { }
    }
}
