using Preference.Training.Reward.Data;
using Preference.Training.Reward.Modeling;

namespace Preference.Training.Reward.Baselines;

/// <summary>
/// A Bradley–Terry logistic model on the <see cref="GroundingFeatures"/> alone, standardised on the training
/// completions: what a reward model's feature head does without a trunk.
/// </summary>
public sealed class GroundingLogistic(double l2 = 0.01) : IPairBaseline
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
        weights = FeatureLogistic.Fit(differences, l2);
    }

    public double Score(string prompt, string completion) =>
        Standard(GroundingFeatures.Of(prompt, completion)).Select((v, i) => v * weights[i]).Sum();

    double[] Standard(float[] features) => FeatureLogistic.Standardise(features, mean, std);
}
