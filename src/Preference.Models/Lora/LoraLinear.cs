using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Preference.Models.Lora;

/// <summary>
/// A Linear layer plus a trainable low-rank update: y = W·x + b + scaling · B·A·dropout(x). It takes over the wrapped
/// layer's own weight and bias parameters, so the base weights keep their names (q_proj.weight) and the adapter adds
/// q_proj.lora_A.weight and q_proj.lora_B.weight, PEFT's names. B starts at zero, so a fresh adapter changes nothing.
/// </summary>
public sealed class LoraLinear : nn.Module<Tensor, Tensor>
{
    readonly Parameter weight;
    readonly Parameter? bias;
    readonly Linear lora_A, lora_B;
    readonly Dropout? lora_dropout;

    public LoraLinear(Linear wrapped, LoraConfig config) : base(nameof(LoraLinear))
    {
        weight = wrapped.weight ?? throw new ArgumentException("the wrapped Linear has no weight", nameof(wrapped));
        bias = wrapped.bias;
        long outFeatures = weight.shape[0], inFeatures = weight.shape[1];
        // lora_A gets Linear's own Kaiming-uniform initialisation, as PEFT does; lora_B is zero.
        lora_A = nn.Linear(inFeatures, config.Rank, hasBias: false, device: weight.device, dtype: weight.dtype);
        lora_B = nn.Linear(config.Rank, outFeatures, hasBias: false, device: weight.device, dtype: weight.dtype);
        using (no_grad()) lora_B.weight!.zero_();
        if (config.Dropout > 0) lora_dropout = nn.Dropout(config.Dropout);
        Rank = config.Rank;
        Scaling = config.Scaling;
        RegisterComponents();
    }

    /// <summary>True for the state_dict names of an adapter's own tensors (<c>….lora_A.weight</c>, <c>….lora_B.weight</c>).</summary>
    public static bool IsAdapterTensor(string name) =>
        name.Contains(".lora_A.", StringComparison.Ordinal) || name.Contains(".lora_B.", StringComparison.Ordinal);

    public int Rank { get; }

    public double Scaling { get; }

    /// <summary>False makes the layer compute the base layer alone (e.g. PPO's reference model).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>True once the update has been added into the base weight; the adapter path is then skipped.</summary>
    public bool Merged { get; private set; }

    public Parameter Weight => weight;
    public Parameter? Bias => bias;
    public Parameter LoraA => lora_A.weight!;
    public Parameter LoraB => lora_B.weight!;

    public override Tensor forward(Tensor x)
    {
        var result = F.linear(x, weight, bias);
        if (!Enabled || Merged) return result;
        var input = lora_dropout is null ? x : lora_dropout.forward(x);
        return result.add(lora_B.forward(lora_A.forward(input)), Scaling);
    }

    /// <summary>The dense update scaling · B·A, shaped like the base weight.</summary>
    public Tensor Delta() => lora_B.weight!.matmul(lora_A.weight!).mul(Scaling);

    /// <summary>Adds the update into the base weight (W += scaling · B·A).</summary>
    public void Merge()
    {
        if (Merged) return;
        using var noGrad = no_grad();
        using var delta = Delta();
        weight.add_(delta);
        Merged = true;
    }

    /// <summary>A plain Linear over the (merged) base parameters, for export; this wrapper must not be used afterwards.</summary>
    internal Linear Unload()
    {
        Merge();
        return nn.Linear(weight, bias);
    }

    /// <summary>Frees the adapter's tensors but not the base parameters, which the unloaded Linear now owns.</summary>
    internal void DisposeAdapters()
    {
        lora_A.Dispose();
        lora_B.Dispose();
        lora_dropout?.Dispose();
    }
}
