namespace Preference.Training.Reward.Evaluation;

/// <summary>
/// The share of strict pairs whose chosen completion scores higher (an exact tie counts half), with a 95% Wilson
/// interval, which stays inside [0, 1] and is honest for the few hundred pairs a dev set holds.
/// </summary>
public sealed record PairwiseAccuracy(double Accuracy, double Low, double High, int Pairs)
{
    public static PairwiseAccuracy Of(IEnumerable<(double Chosen, double Rejected)> scores)
    {
        double wins = 0;
        int n = 0;
        foreach (var (chosen, rejected) in scores)
        {
            wins += chosen > rejected ? 1 : chosen == rejected ? 0.5 : 0;
            n++;
        }
        if (n == 0) throw new ArgumentException("no pairs to score");
        double p = wins / n, z = 1.959964, z2 = z * z;
        double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
        double half = z * Math.Sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / (1 + z2 / n);
        return new PairwiseAccuracy(p, centre - half, centre + half, n);
    }

    public override string ToString() => $"{Accuracy:F3} (95% CI {Low:F3}–{High:F3}, {Pairs} pairs)";
}
