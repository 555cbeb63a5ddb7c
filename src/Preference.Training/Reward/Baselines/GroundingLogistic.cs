using Preference.Training.Reward.Data;
using Preference.Training.Reward.Modeling;

namespace Preference.Training.Reward.Baselines;

/// <summary>
/// A Bradley–Terry logistic model on a feature set alone (<see cref="GroundingFeatures"/> by default), standardised on
/// the training completions: what a reward model's feature head does without a trunk.
/// </summary>
public sealed class GroundingLogistic(double l2 = 0.01, RewardFeatures features = RewardFeatures.Grounding) : IPairBaseline
{
    double[] weights = [];
    float[] mean = [], std = [];

    public string Name => features == RewardFeatures.Grounding
        ? $"grounding-feature logistic (L2 {l2})"
        : $"{features} feature logistic (L2 {l2})";

    public void Fit(IReadOnlyList<RewardPair> train)
    {
        var strict = train.Where(p => !p.Tie).ToList();
        var rows = strict.SelectMany(p => new[] { (p.Prompt, p.Chosen, p.Reference), (p.Prompt, p.Rejected, p.Reference) }).Distinct()
            .ToDictionary(t => t, t => Features(t.Item1, t.Item2, t.Item3));
        (mean, std) = FeatureHead.Standardisation(rows.Values.ToList());
        var differences = strict.Select(p =>
        {
            var (c, r) = (Standard(rows[(p.Prompt, p.Chosen, p.Reference)]), Standard(rows[(p.Prompt, p.Rejected, p.Reference)]));
            return c.Zip(r, (a, b) => a - b).ToArray();
        }).ToList();
        weights = FeatureLogistic.Fit(differences, l2);
    }

    public double Score(string prompt, string completion) => Score(prompt, completion, null);

    public double Score(string prompt, string completion, string? reference) =>
        Standard(Features(prompt, completion, reference)).Select((v, i) => v * weights[i]).Sum();

    float[] Features(string prompt, string completion, string? reference) => RewardFeatureSet.Of(features, prompt, completion, reference)
        ?? throw new ArgumentException("a feature logistic needs a feature set", nameof(features));

    double[] Standard(float[] row) => FeatureLogistic.Standardise(row, mean, std);
}
