using TorchSharp;
using static TorchSharp.torch;
using TorchSharp.Modules;

namespace Preference.Models.Lora;

/// <summary>
/// Puts LoRA adapters on a model, finds them, merges them and switches them off. Works on any module tree (a
/// CausalLanguageModel, a ScoredLanguageModel around one), naming layers by their path from the given root.
/// </summary>
public static class LoraAdapters
{
    /// <summary>
    /// Wraps every Linear whose name matches <see cref="LoraConfig.TargetModules"/> and freezes everything but the
    /// adapters. Returns the wrapped layers' names. Throws when nothing matches, naming the Linear layers there are.
    /// </summary>
    public static IReadOnlyList<string> Apply(nn.Module root, LoraConfig config)
    {
        var problem = config.Problems().FirstOrDefault();
        if (problem is not null) throw new ArgumentException($"LoRA config: {problem}", nameof(config));
        if (root.Adapters().Any()) throw new InvalidOperationException("the model already has LoRA adapters");

        var modules = root.named_modules().ToDictionary(m => m.name, m => m.module);
        var linears = modules.Where(m => m.Value is Linear).Select(m => m.Key).ToList();
        var targets = linears.Where(name => Matches(name, config.TargetModules)).ToList();
        if (targets.Count == 0)
        {
            var available = linears.Select(n => n[(n.LastIndexOf('.') + 1)..]).Distinct();
            throw new ArgumentException(
                $"LoRA target_modules {string.Join(",", config.TargetModules)} match no Linear layer; this model has {string.Join(",", available)}",
                nameof(config));
        }

        foreach (var parameter in root.parameters()) parameter.requires_grad = false;
        foreach (var name in targets)
        {
            var (parentName, childName) = Split(name);
            var parent = parentName.Length == 0 ? root : modules[parentName];
            var linear = (Linear)modules[name];
            ModuleSwap.Replace(parent, childName, linear, new LoraLinear(linear, config));
        }
        return targets;
    }

    /// <summary>Every adapter layer with its path from <paramref name="root"/>.</summary>
    public static IEnumerable<(string Name, LoraLinear Layer)> Adapters(this nn.Module root) =>
        root.named_modules().Where(m => m.module is LoraLinear).Select(m => (m.name, (LoraLinear)m.module));

    /// <summary>The adapter weights only (lora_A, lora_B of every layer): what an optimizer for LoRA training takes.</summary>
    public static IEnumerable<Parameter> AdapterParameters(this nn.Module root) =>
        root.Adapters().SelectMany(a => new[] { a.Layer.LoraA, a.Layer.LoraB });

    /// <summary>
    /// Runs the base model inside the scope: <c>using (policy.DisabledAdapters()) { reference logits }</c>. The same
    /// weights serve as policy and frozen reference, so PPO needs no second copy of the model.
    /// </summary>
    public static IDisposable DisabledAdapters(this nn.Module root)
    {
        var layers = root.Adapters().Select(a => a.Layer).ToList();
        if (layers.Count == 0) throw new InvalidOperationException("the model has no LoRA adapters to disable");
        if (layers.Any(l => l.Merged)) throw new InvalidOperationException("the adapters are merged into the base weights; the base model is gone");
        var enabled = layers.Where(l => l.Enabled).ToList();
        foreach (var layer in enabled) layer.Enabled = false;
        return new Reenable(enabled);
    }

    /// <summary>
    /// Adds every adapter into its base weight and puts plain Linear layers back, leaving an ordinary model that saves
    /// as a Hugging Face checkpoint and runs without the adapter's extra matmuls.
    /// </summary>
    public static int MergeAndUnload(this nn.Module root)
    {
        var modules = root.named_modules().ToDictionary(m => m.name, m => m.module);
        var adapters = root.Adapters().ToList();
        foreach (var (name, layer) in adapters)
        {
            var (parentName, childName) = Split(name);
            var parent = parentName.Length == 0 ? root : modules[parentName];
            ModuleSwap.Replace(parent, childName, layer, layer.Unload());
            layer.DisposeAdapters();
        }
        return adapters.Count;
    }

    static bool Matches(string name, string[] targets) =>
        targets.Any(t => name == t || name.EndsWith("." + t, StringComparison.Ordinal));

    static (string Parent, string Child) Split(string name)
    {
        int dot = name.LastIndexOf('.');
        return dot < 0 ? ("", name) : (name[..dot], name[(dot + 1)..]);
    }

    sealed class Reenable(IReadOnlyList<LoraLinear> layers) : IDisposable
    {
        public void Dispose()
        {
            foreach (var layer in layers) layer.Enabled = true;
        }
    }
}
