using System.Text.RegularExpressions;
using Preference.Training.Reward.Data;

namespace Preference.Training.Reward.Baselines;

/// <summary>
/// A Bradley–Terry logistic model on the completion's words alone: reward = w · (L2-normalised word counts), trained by
/// SGD on −log σ(r_chosen − r_rejected) with L2 decay. The strong non-neural baseline on HH-RLHF final answers.
/// </summary>
public sealed partial class BagOfWordsLogistic(double l2 = 0.01, int epochs = 30, double learningRate = 0.5, int seed = 0) : IPairBaseline
{
    readonly Dictionary<string, double> weights = new(StringComparer.Ordinal);

    public string Name => $"bag-of-words logistic (L2 {l2})";

    public void Fit(IReadOnlyList<RewardPair> train)
    {
        weights.Clear();
        var differences = train.Where(p => !p.Tie).Select(p => Difference(Features(p.Chosen), Features(p.Rejected))).ToList();
        var order = Enumerable.Range(0, differences.Count).ToArray();
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            new Random(seed + epoch).Shuffle(order);
            foreach (int i in order)
            {
                var x = differences[i];
                double z = x.Sum(f => weights.GetValueOrDefault(f.Key) * f.Value);
                double step = learningRate / (1 + Math.Exp(z)); // −d/dz log σ(z) = σ(−z)
                foreach (var (word, value) in x) weights[word] = weights.GetValueOrDefault(word) + step * value;
            }
            // Decay once per epoch: cheap on sparse vectors and the same fixed point as per-step decay at this scale.
            foreach (var word in weights.Keys) weights[word] *= 1 - learningRate * l2;
        }
    }

    public double Score(string prompt, string completion) =>
        Features(completion).Sum(f => weights.GetValueOrDefault(f.Key) * f.Value);

    static Dictionary<string, double> Features(string text)
    {
        var counts = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (Match m in Word().Matches(text.ToLowerInvariant())) counts[m.Value] = counts.GetValueOrDefault(m.Value) + 1;
        double norm = Math.Sqrt(counts.Values.Sum(v => v * v));
        if (norm > 0) foreach (var key in counts.Keys) counts[key] /= norm;
        return counts;
    }

    static Dictionary<string, double> Difference(Dictionary<string, double> a, Dictionary<string, double> b)
    {
        var d = new Dictionary<string, double>(a, StringComparer.Ordinal);
        foreach (var (key, value) in b) d[key] = d.GetValueOrDefault(key) - value;
        return d;
    }

    [GeneratedRegex(@"[a-z']+|[^\sa-z]")]
    private static partial Regex Word();
}
