namespace Preference.Training.Grpo;

/// <summary>
/// Advantages of critic-free methods, from a [prompts, num_generations] reward matrix (row p holds the rewards of
/// prompt p's completions): each completion is judged against the other samples of its own prompt instead of a
/// learned value. Pure functions; a group whose rewards are all equal gets zero advantage from every group estimator.
/// </summary>
public static class GroupAdvantages
{
    /// <summary>Added to a std before dividing, as TRL (1e-4): a group with one outlier does not explode.</summary>
    public const double StdEpsilon = 1e-4;

    public static double[,] Compute(float[,] rewards, AdvantageEstimator estimator, ScaleRewards scale = ScaleRewards.Group) =>
        estimator switch
        {
            AdvantageEstimator.Grpo => Grpo(rewards, scale),
            AdvantageEstimator.Rloo => Rloo(rewards),
            AdvantageEstimator.ReinforcePp => ReinforcePlusPlus(rewards, subtractGroupMean: false),
            AdvantageEstimator.ReinforcePpBaseline => ReinforcePlusPlus(rewards, subtractGroupMean: true),
            _ => throw new ArgumentOutOfRangeException(nameof(estimator), estimator, "unknown advantage estimator"),
        };

    /// <summary>(r − group mean) / (std + 1e-4), the std being the group's, the whole batch's, or 1 (scale none).</summary>
    public static double[,] Grpo(float[,] rewards, ScaleRewards scale)
    {
        var (prompts, generations) = Shape(rewards);
        double batchStd = scale == ScaleRewards.Batch ? Std(Flatten(rewards)) : 1;
        var advantages = new double[prompts, generations];
        for (int p = 0; p < prompts; p++)
        {
            var group = Row(rewards, p);
            double mean = group.Average();
            double divisor = scale switch
            {
                ScaleRewards.Group => Std(group) + StdEpsilon,
                ScaleRewards.Batch => batchStd + StdEpsilon,
                _ => 1,
            };
            for (int g = 0; g < generations; g++) advantages[p, g] = (group[g] - mean) / divisor;
        }
        return advantages;
    }

    /// <summary>r_i − mean of the other G − 1 rewards of the group: an unbiased baseline that excludes the sample itself.</summary>
    public static double[,] Rloo(float[,] rewards)
    {
        var (prompts, generations) = Shape(rewards);
        if (generations < 2) throw new ArgumentException("RLOO needs at least 2 completions per prompt", nameof(rewards));
        var advantages = new double[prompts, generations];
        for (int p = 0; p < prompts; p++)
        {
            var group = Row(rewards, p);
            double sum = group.Sum();
            for (int g = 0; g < generations; g++) advantages[p, g] = group[g] - (sum - group[g]) / (generations - 1);
        }
        return advantages;
    }

    /// <summary>
    /// Rewards (minus their group's mean with the baseline variant) whitened over the whole batch: (x − mean) / (std + 1e-4).
    /// Normalising over the batch rather than each group keeps one lucky group from getting the same weight as a
    /// group that really separates good from bad.
    /// </summary>
    public static double[,] ReinforcePlusPlus(float[,] rewards, bool subtractGroupMean)
    {
        var (prompts, generations) = Shape(rewards);
        var centred = new double[prompts, generations];
        for (int p = 0; p < prompts; p++)
        {
            var group = Row(rewards, p);
            double baseline = subtractGroupMean ? group.Average() : 0;
            for (int g = 0; g < generations; g++) centred[p, g] = group[g] - baseline;
        }
        var all = centred.Cast<double>().ToArray();
        double mean = all.Average(), divisor = Std(all) + StdEpsilon;
        // Centred groups sum to zero only up to rounding; a batch with nothing to tell apart must give exactly 0.
        bool constant = all.All(x => x == all[0]);
        var advantages = new double[prompts, generations];
        for (int p = 0; p < prompts; p++)
            for (int g = 0; g < generations; g++)
                advantages[p, g] = constant ? 0 : (centred[p, g] - mean) / divisor;
        return advantages;
    }

    /// <summary>The sample (n − 1) standard deviation of each group, as torch.std: what reward_std and frac_reward_zero_std report.</summary>
    public static double[] GroupStds(float[,] rewards)
    {
        var (prompts, _) = Shape(rewards);
        return Enumerable.Range(0, prompts).Select(p => Std(Row(rewards, p))).ToArray();
    }

    /// <summary>Rewards in row order ([p0g0, p0g1, …]) as a [prompts, generations] matrix.</summary>
    public static float[,] ToMatrix(IReadOnlyList<float> rewards, int generations)
    {
        if (generations < 1 || rewards.Count % generations != 0)
            throw new ArgumentException($"{rewards.Count} rewards do not split into groups of {generations}", nameof(rewards));
        var matrix = new float[rewards.Count / generations, generations];
        for (int i = 0; i < rewards.Count; i++) matrix[i / generations, i % generations] = rewards[i];
        return matrix;
    }

    static (int Prompts, int Generations) Shape(float[,] rewards) => (rewards.GetLength(0), rewards.GetLength(1));

    static double[] Row(float[,] rewards, int p) => Enumerable.Range(0, rewards.GetLength(1)).Select(g => (double)rewards[p, g]).ToArray();

    static double[] Flatten(float[,] rewards) => rewards.Cast<float>().Select(r => (double)r).ToArray();

    static double Std(IReadOnlyList<double> values)
    {
        if (values.Count < 2) return 0;
        double mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
    }
}
