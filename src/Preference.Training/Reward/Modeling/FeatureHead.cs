using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Preference.Training.Reward.Modeling;

/// <summary>
/// <c>feature_score</c>: a linear reward on standardised features (<see cref="RewardFeatureSet"/>), w · (f − mean) / std. The
/// mean and std come from the training completions and travel with the weights (persistent buffers), so a reloaded
/// model scores new completions on the scale it was trained on.
/// </summary>
public sealed class FeatureHead : nn.Module<Tensor, Tensor>
{
    readonly Linear score;
    readonly Tensor mean;
    readonly Tensor std;

    public FeatureHead(float[] mean, float[] std) : base(nameof(FeatureHead))
    {
        if (mean.Length != std.Length) throw new ArgumentException("one std per feature mean is needed", nameof(std));
        score = nn.Linear(mean.Length, 1, hasBias: false);
        using (no_grad()) score.weight!.zero_();
        this.mean = tensor(mean).DetachFromDisposeScope();
        // A feature constant over the training set gets std 1, so it contributes nothing rather than dividing by zero.
        this.std = tensor(std.Select(s => s > 1e-6f ? s : 1f).ToArray()).DetachFromDisposeScope();
        register_module("score", score);
        register_buffer("mean", this.mean);
        register_buffer("std", this.std);
    }

    public int Features => (int)mean.shape[0];

    public Tensor Weight => score.weight!;

    public Tensor Mean => mean;

    public Tensor Std => std;

    /// <summary>[B, F] raw features -> [B] rewards.</summary>
    public override Tensor forward(Tensor features) => score.forward((features - mean) / std).squeeze(-1);

    /// <summary>Mean and std of every feature over the given rows (the training completions).</summary>
    public static (float[] Mean, float[] Std) Standardisation(IReadOnlyList<float[]> rows)
    {
        if (rows.Count == 0) throw new ArgumentException("no rows to standardise on", nameof(rows));
        int count = rows[0].Length;
        var mean = new float[count];
        var std = new float[count];
        for (int f = 0; f < count; f++)
        {
            double m = rows.Average(r => (double)r[f]);
            mean[f] = (float)m;
            std[f] = (float)Math.Sqrt(rows.Sum(r => (r[f] - m) * (r[f] - m)) / rows.Count);
        }
        return (mean, std);
    }
}
