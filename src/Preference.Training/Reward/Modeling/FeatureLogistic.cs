namespace Preference.Training.Reward.Modeling;

/// <summary>
/// Bradley–Terry weights for standardised feature vectors by full-batch gradient descent with L2: minimises
/// mean −log σ(w · (x_chosen − x_rejected)) + l2/2 · |w|². Convex, so the answer does not depend on a seed; used as the
/// grounding baseline and to start a reward model's <see cref="FeatureHead"/> where the features alone would end.
/// </summary>
public static class FeatureLogistic
{
    /// <param name="differences">x_chosen − x_rejected per strict pair, already standardised.</param>
    public static double[] Fit(IReadOnlyList<double[]> differences, double l2 = 0.01, int iterations = 500, double learningRate = 0.5)
    {
        if (differences.Count == 0) throw new ArgumentException("no pairs to fit", nameof(differences));
        var weights = new double[differences[0].Length];
        // A fixed step with lr·l2 near 2 makes the decay flip every weight's sign each iteration and the fit diverge
        // (feature_l2 3 gave validation accuracy below chance); capping lr at 1/(l2 + 1) leaves small L2 unchanged.
        learningRate = Math.Min(learningRate, 1 / (l2 + 1));
        for (int iteration = 0; iteration < iterations; iteration++)
        {
            var gradient = weights.Select(w => l2 * w).ToArray();
            foreach (var x in differences)
            {
                double z = 0;
                for (int i = 0; i < x.Length; i++) z += x[i] * weights[i];
                double pull = 1 / (1 + Math.Exp(z)) / differences.Count; // −d/dz log σ(z) = σ(−z)
                for (int i = 0; i < x.Length; i++) gradient[i] -= pull * x[i];
            }
            for (int i = 0; i < weights.Length; i++) weights[i] -= learningRate * gradient[i];
        }
        return weights;
    }

    /// <summary>(f − mean) / std, with a constant feature (std 0) left at 0.</summary>
    public static double[] Standardise(float[] features, float[] mean, float[] std) =>
        features.Select((v, i) => (v - mean[i]) / (double)(std[i] > 1e-6f ? std[i] : 1f)).ToArray();
}
