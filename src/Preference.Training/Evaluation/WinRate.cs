using Preference.Core.Judging;

namespace Preference.Training.Evaluation;

/// <summary>
/// Win/tie/loss counts of a candidate against a baseline, the win rate with ties counted as half a win (as
/// AlpacaEval and Chatbot Arena do), and its 95% Wilson score interval. Failed verdicts are counted apart and left out.
/// </summary>
public sealed record WinRate(int Wins, int Ties, int Losses, int Failed)
{
    const double Z95 = 1.959963984540054;

    public int Judged => Wins + Ties + Losses;

    public double Rate => Judged == 0 ? double.NaN : (Wins + 0.5 * Ties) / Judged;

    /// <summary>95% Wilson interval of <see cref="Rate"/>; (0, 1) when nothing was judged.</summary>
    public (double Low, double High) Interval95
    {
        get
        {
            if (Judged == 0) return (0, 1);
            double n = Judged, p = Rate, z2 = Z95 * Z95;
            double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
            double half = Z95 * Math.Sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n);
            return (Math.Max(0, centre - half), Math.Min(1, centre + half));
        }
    }

    public static WinRate Of(IEnumerable<PairwiseOutcome> outcomes)
    {
        int wins = 0, ties = 0, losses = 0, failed = 0;
        foreach (var outcome in outcomes)
        {
            switch (outcome)
            {
                case PairwiseOutcome.Win: wins++; break;
                case PairwiseOutcome.Tie: ties++; break;
                case PairwiseOutcome.Loss: losses++; break;
                default: failed++; break;
            }
        }
        return new WinRate(wins, ties, losses, failed);
    }
}
