using Preference.Models;
using Preference.Models.Heads;
using Preference.Models.Lora;
using Preference.Models.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace Preference.Training.Ppo;

/// <summary>
/// The networks PPO holds: the policy being trained, the frozen reference it is kept close to, and the value model
/// (a trunk with a scalar head). The reference is either a separate frozen copy (full fine-tuning) or, with LoRA, the
/// policy's own weights with its adapters switched off, so no second copy of the model is kept. Owns and disposes them.
/// </summary>
public sealed class PpoModels : IDisposable
{
    readonly CausalLanguageModel? _separateReference;

    /// <summary>Full fine-tuning: <paramref name="reference"/> is a separate copy, frozen here.</summary>
    public PpoModels(CausalLanguageModel policy, CausalLanguageModel reference, ScoredLanguageModel value, ModelTokenizer tokenizer)
    {
        if (ReferenceEquals(policy, reference)) throw new ArgumentException("the reference must be a separate copy of the policy (with LoRA, set PpoConfig.Lora and leave the reference unset)", nameof(reference));
        if (policy.Shape.VocabSize != reference.Shape.VocabSize)
            throw new ArgumentException($"policy vocabulary ({policy.Shape.VocabSize}) and reference vocabulary ({reference.Shape.VocabSize}) differ");
        Policy = policy;
        _separateReference = reference;
        Value = value;
        Tokenizer = tokenizer;
        foreach (var parameter in reference.parameters()) parameter.requires_grad = false;
        reference.eval();
        DisableDropout();
    }

    PpoModels(CausalLanguageModel policy, ScoredLanguageModel value, ModelTokenizer tokenizer, LoraConfig lora)
    {
        Policy = policy;
        Value = value;
        Tokenizer = tokenizer;
        Lora = lora;
        DisableDropout();
    }

    // Every network runs in eval mode, dropout off, as TRL's PPO disables it: the rollout's log-probs and the update's
    // must come from the same network, or the ratio does not start at 1. Gradients flow in eval mode all the same.
    void DisableDropout()
    {
        Policy.eval();
        Value.eval();
    }

    static LoraConfig ApplyAdapters(CausalLanguageModel policy, LoraConfig lora)
    {
        var effective = lora with { Dropout = 0 };
        LoraAdapters.Apply(policy, effective);
        return effective;
    }

    public CausalLanguageModel Policy { get; }

    /// <summary>
    /// The model that computes the reference. With LoRA this is the policy itself and acts as the reference only
    /// inside <see cref="ReferenceScope"/>; the trainer opens that scope around everything that reads the reference
    /// (reference log-probs, and scoring, where a judge's baseline completion comes from the reference).
    /// </summary>
    public CausalLanguageModel Reference => _separateReference ?? Policy;

    /// <summary>The value model; with a shared trunk, the policy itself under a scalar head.</summary>
    public ScoredLanguageModel Value { get; }

    /// <summary>True when the value head sits on the policy's own layers: one forward gives log-probs and values.</summary>
    public bool SharesTrunk => ReferenceEquals(Value.Trunk, Policy);

    public ModelTokenizer Tokenizer { get; }

    /// <summary>What the optimizer trains: the policy's trainable weights and the value model's, each once.</summary>
    public IEnumerable<TorchSharp.Modules.Parameter> TrainableParameters() =>
        Policy.parameters().Concat(SharesTrunk ? Value.Head.parameters() : Value.parameters()).Where(p => p.requires_grad);

    /// <summary>The adapters on the policy (dropout 0), or null for full fine-tuning.</summary>
    public LoraConfig? Lora { get; }

    /// <summary>Where the policy came from (null = bundled stories260K): a LoRA export refers to it as its base when it is a Hugging Face directory.</summary>
    public string? PolicySource { get; init; }

    /// <summary>Within the returned scope <see cref="Reference"/> computes the reference distribution.</summary>
    public IDisposable ReferenceScope() => Lora is null ? NoScope.Instance : Policy.DisabledAdapters();

    /// <summary>
    /// What a checkpoint saves: the whole policy or, with LoRA, its adapters alone; the value model, or with a shared
    /// trunk its head alone (the trunk is the policy's).
    /// </summary>
    public IReadOnlyDictionary<string, nn.Module> CheckpointModules() => new Dictionary<string, nn.Module>
    {
        [Lora is null ? "policy" : "policy_adapters"] = Lora is null ? Policy : new AdapterCheckpointModule(Policy),
        [SharesTrunk ? "value_head" : "value"] = SharesTrunk ? Value.Head : Value,
    };

    /// <summary>
    /// Loads the models a config names: the policy (null = bundled stories260K), the reference (a separate copy, or
    /// the policy's base weights when <see cref="PpoConfig.Lora"/> is set and no reference is given), and a value
    /// model from the policy's weights (a copy, or with <see cref="PpoConfig.SharedValueTrunk"/> the policy itself) with a
    /// fresh head seeded by the config's seed.
    /// </summary>
    public static PpoModels Load(PpoConfig config, torch.Device device)
    {
        var policy = ModelBundle.Load(config.Policy, device);
        var valueTrunk = config.SharedValueTrunk ? policy.Model : ModelBundle.Load(config.Policy, device).Model;
        torch.manual_seed(config.Seed);
        var value = new ScoredLanguageModel(valueTrunk);
        return From(config, policy, value, device);
    }

    /// <summary>As <see cref="Load(PpoConfig, torch.Device)"/> with a value model built by the caller (e.g. from a reward model).</summary>
    public static PpoModels From(PpoConfig config, ModelBundle policy, ScoredLanguageModel value, torch.Device device)
    {
        if (config.Lora is { } lora)
        {
            if (config.Reference is not null) throw new ArgumentException("reference: with lora the reference is the policy with its adapters off; leave reference unset");
            return new PpoModels(policy.Model, value, policy.Tokenizer, ApplyAdapters(policy.Model, lora))
            {
                PolicySource = config.Policy,
            };
        }
        var reference = ModelBundle.Load(config.Reference ?? config.Policy, device);
        return new PpoModels(policy.Model, reference.Model, value, policy.Tokenizer)
        {
            PolicySource = config.Policy,
        };
    }

    public void Dispose()
    {
        if (SharesTrunk) Value.Head.Dispose();
        else Value.Dispose();
        Policy.Dispose();
        _separateReference?.Dispose();
    }

    sealed class NoScope : IDisposable
    {
        public static readonly NoScope Instance = new();
        public void Dispose() { }
    }
}
