using Preference.Core.Rankings;

namespace Preference.Judges.Rules;

/// <summary>Turns a score per response into a ranking, highest first, with near-equal scores tied.</summary>
public static class ScoreRanking
{
    /// <param name="tieTolerance">Scores within this distance of the best score of a tier join that tier.</param>
    public static Ranking FromScores(IReadOnlyList<(string Id, double Score)> scores, double tieTolerance = 0)
    {
        if (scores.Any(s => double.IsNaN(s.Score))) throw new ArgumentException("a score is NaN", nameof(scores));
        var tiers = new List<IReadOnlyList<string>>();
        List<string>? current = null;
        double tierTop = double.NaN;
        foreach (var (id, score) in scores.OrderByDescending(s => s.Score))
        {
            if (current is null || tierTop - score > tieTolerance)
            {
                current = [];
                tiers.Add(current);
                tierTop = score;
            }
            current.Add(id);
        }
        return new Ranking(tiers);
    }

    public static string Describe(IEnumerable<(string Id, double Score)> scores) =>
        string.Join(", ", scores.Select(s => $"{s.Id}={s.Score:0.###}"));
}
