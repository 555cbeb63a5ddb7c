using Preference.Training.Reward.Data;
using Preference.Training.Reward.Evaluation;
using Preference.Training.Reward.Modeling;

namespace Preference.Bench;

/// <summary>
/// Which features of a set carry the signal: the set's logistic fit (as a reward model's warm start) on the training
/// pairs, scored on validation pairs with all features, without each one, and with named subsets. Features are computed
/// once per distinct completion and reused by every variant.
/// </summary>
public static class FeatureAblation
{
    public static void Print(RewardFeatures set, IReadOnlyList<RewardPair> train, IReadOnlyList<RewardPair> validation, double l2)
    {
        var names = RewardFeatureSet.Names(set);
        var cache = new Dictionary<(string, string, string?), float[]>();
        float[] Features(RewardPair p, string completion)
        {
            var key = (p.Prompt, completion, p.Reference);
            if (!cache.TryGetValue(key, out var row)) cache[key] = row = RewardFeatureSet.Of(set, p.Prompt, completion, p.Reference)!;
            return row;
        }
        var strictTrain = train.Where(p => !p.Tie).ToList();
        var strictValidation = validation.Where(p => !p.Tie).ToList();

        double Accuracy(IReadOnlyList<int> columns)
        {
            float[] Pick(float[] row) => columns.Select(c => row[c]).ToArray();
            var rows = strictTrain.SelectMany(p => new[] { Pick(Features(p, p.Chosen)), Pick(Features(p, p.Rejected)) }).ToList();
            var (mean, std) = FeatureHead.Standardisation(rows);
            double[] Standard(RewardPair p, string c) => FeatureLogistic.Standardise(Pick(Features(p, c)), mean, std);
            var weights = FeatureLogistic.Fit(strictTrain.Select(p => Standard(p, p.Chosen).Zip(Standard(p, p.Rejected), (a, b) => a - b).ToArray()).ToList(), l2);
            double Score(RewardPair p, string c) => Standard(p, c).Select((v, i) => v * weights[i]).Sum();
            return PairwiseAccuracy.Of(strictValidation.Select(p => (Score(p, p.Chosen), Score(p, p.Rejected)))).Accuracy;
        }

        var all = Enumerable.Range(0, names.Count).ToList();
        Console.WriteLine($"ablation {set}, L2 {l2}: all {names.Count} features, validation {Accuracy(all):F3}");
        foreach (int drop in all)
            Console.WriteLine($"ablation without {names[drop]}: validation {Accuracy(all.Where(c => c != drop).ToList()):F3}");
        var reference = all.Where(c => names[c].StartsWith("reference_", StringComparison.Ordinal)).ToList();
        if (reference.Count > 0)
            Console.WriteLine($"ablation reference features only: validation {Accuracy(reference):F3}");
    }
}
