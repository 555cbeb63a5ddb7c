using Preference.Models;
using Preference.Models.Heads;
using Preference.Models.Loading;
using Preference.Models.Tokenization;

namespace Preference.Training.Ppo;

/// <summary>
/// The three networks PPO holds: the policy being trained, the frozen reference it is kept close to, and the value
/// model (a trunk with a scalar head). Owns and disposes them.
/// </summary>
public sealed class PpoModels : IDisposable
{
    public PpoModels(CausalLanguageModel policy, CausalLanguageModel reference, ScoredLanguageModel value, ModelTokenizer tokenizer)
    {
        if (ReferenceEquals(policy, reference)) throw new ArgumentException("the reference must be a separate copy of the policy", nameof(reference));
        if (policy.Shape.VocabSize != reference.Shape.VocabSize)
            throw new ArgumentException($"policy vocabulary ({policy.Shape.VocabSize}) and reference vocabulary ({reference.Shape.VocabSize}) differ");
        Policy = policy;
        Reference = reference;
        Value = value;
        Tokenizer = tokenizer;
        foreach (var parameter in reference.parameters()) parameter.requires_grad = false;
        reference.eval();
    }

    public CausalLanguageModel Policy { get; }
    public CausalLanguageModel Reference { get; }
    public ScoredLanguageModel Value { get; }
    public ModelTokenizer Tokenizer { get; }

    /// <summary>The policy's tokenizer files, copied beside the trained policy so it loads on its own.</summary>
    public IReadOnlyList<string>? TokenizerFiles { get; init; }

    /// <summary>
    /// Loads policy and reference from their paths (null = bundled stories260K), and a value model from the policy's
    /// weights with a fresh head seeded by <paramref name="seed"/>.
    /// </summary>
    public static PpoModels Load(string? policyPath, string? referencePath, TorchSharp.torch.Device device, long seed)
    {
        var policy = ModelBundle.Load(policyPath, device);
        var reference = ModelBundle.Load(referencePath ?? policyPath, device);
        var valueTrunk = ModelBundle.Load(policyPath, device);
        TorchSharp.torch.manual_seed(seed);
        var value = new ScoredLanguageModel(valueTrunk.Model);
        return new PpoModels(policy.Model, reference.Model, value, policy.Tokenizer)
        {
            TokenizerFiles = ModelLoader.FindTokenizer(policyPath ?? ModelBundle.EmbeddedDefaultPath),
        };
    }

    public void Dispose()
    {
        Policy.Dispose();
        Reference.Dispose();
        Value.Dispose();
    }
}
