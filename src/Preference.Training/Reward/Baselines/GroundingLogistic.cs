using Preference.Training.Reward.Data;
using Preference.Training.Reward.Modeling;

namespace Preference.Training.Reward.Baselines;

/// <summary>
/// A Bradley–Terry logistic model on the <see cref="GroundingFeatures"/> alone (standardised on the training
/// completions, full-batch gradient descent with L2): what the reward model's feature head could do without a trunk.
/// </summary>
public sealed class GroundingLogistic(double l2 = 0.01, int iterations = 500, double learningRate = 0.5) : IPairBaseline
{
    double[] weights = [];
    float[] mean = [], std = [];

    public string Name => $"grounding-feature logistic (L2 {l2})";

    public void Fit(IReadOnlyList<RewardPair> train)
    {
        var strict = train.Where(p => !p.Tie).ToList();
        var rows = strict.SelectMany(p => new[] { (p.Prompt, p.Chosen), (p.Prompt, p.Rejected) }).Distinct()
            .ToDictionary(t => t, t => GroundingFeatures.Of(t.Item1, t.Item2));
        (mean, std) = FeatureHead.Standardisation(rows.Values.ToList());
        var differences = strict.Select(p =>
        {
            var (c, r) = (Standard(rows[(p.Prompt, p.Chosen)]), Standard(rows[(p.Prompt, p.Rejected)]));
            return c.Zip(r, (a, b) => a - b).ToArray();
        }).ToList();
        weights = new double[GroundingFeatures.Count];
        for (int iteration = 0; iteration < iterations; iteration++)
        {
            var gradient = weights.Select(w => l2 * w).ToArray();
            foreach (var x in differences)
            {
                double z = x.Select((v, i) => v * weights[i]).Sum();
                double pull = 1 / (1 + Math.Exp(z)) / differences.Count; // −d/dz log σ(z) = σ(−z)
                for (int i = 0; i < x.Length; i++) gradient[i] -= pull * x[i];
            }
            for (int i = 0; i < weights.Length; i++) weights[i] -= learningRate * gradient[i];
        }
    }

    public double Score(string prompt, string completion) =>
        Standard(GroundingFeatures.Of(prompt, completion)).Select((v, i) => v * weights[i]).Sum();

    double[] Standard(float[] features) =>
        features.Select((v, i) => (v - mean[i]) / (double)(std[i] > 1e-6f ? std[i] : 1f)).ToArray();
}
