using Preference.Core.Agreement;
using Preference.Core.Domain;

namespace Preference.Store.Quality;

/// <summary>Agreement of one time bucket: tasks whose latest ranking fell in [From, To), with 95% bootstrap intervals.</summary>
public sealed record AgreementPoint(
    DateTimeOffset From, DateTimeOffset To, int Tasks, int Items,
    double? KrippendorffAlpha, double? AlphaLow, double? AlphaHigh,
    double? FleissKappa, double? KappaLow, double? KappaHigh);

/// <summary>
/// Campaign agreement over time: ordinary tasks ranked by at least two humans are put in the time bucket of their
/// latest ranking, and each bucket gets Krippendorff's ordinal alpha and Fleiss' kappa over the tasks' response
/// pairs. Intervals are percentile bootstraps that resample whole tasks (the pairs of one task are not independent).
/// </summary>
public static class AgreementSeries
{
    public static IReadOnlyList<AgreementPoint> Compute(CampaignRecords records, int buckets, int resamples = 200, int seed = 17)
    {
        var tasks = records.Annotations
            .Where(a => !records.IsJudge(a) && !records.Gold.ContainsKey(a.TaskId))
            .GroupBy(a => a.TaskId)
            .Where(g => g.Count() >= 2)
            .Select(g => (Last: g.Max(a => a.SubmittedAt), Items: RatingTable.FromRows(CampaignRecords.PairRows(g)).Items))
            .OrderBy(t => t.Last)
            .ToList();
        if (tasks.Count == 0) return [];
        var start = tasks[0].Last;
        var span = tasks[^1].Last - start;
        var width = span <= TimeSpan.Zero ? TimeSpan.FromSeconds(1) : span / buckets;
        var points = new List<AgreementPoint>();
        var random = new Random(seed);
        for (int b = 0; b < buckets; b++)
        {
            var from = start + width * b;
            var to = b == buckets - 1 ? tasks[^1].Last + TimeSpan.FromTicks(1) : from + width;
            var inBucket = tasks.Where(t => t.Last >= from && t.Last < to).Select(t => t.Items).ToList();
            if (inBucket.Count == 0) continue;
            var (alpha, kappa) = Statistics(inBucket);
            var alphas = new List<double>();
            var kappas = new List<double>();
            for (int r = 0; r < resamples; r++)
            {
                var sample = Enumerable.Range(0, inBucket.Count).Select(_ => inBucket[random.Next(inBucket.Count)]).ToList();
                var (a, k) = Statistics(sample);
                if (a is { } av) alphas.Add(av);
                if (k is { } kv) kappas.Add(kv);
            }
            points.Add(new AgreementPoint(from, to, inBucket.Count, inBucket.Sum(i => i.Count),
                alpha, Percentile(alphas, 0.025), Percentile(alphas, 0.975),
                kappa, Percentile(kappas, 0.025), Percentile(kappas, 0.975)));
        }
        return points;
    }

    private static (double? Alpha, double? Kappa) Statistics(IEnumerable<IReadOnlyList<ItemRatings>> tasks)
    {
        // A resample may draw one task twice; its items get distinct ids so each copy counts.
        var table = new RatingTable(tasks.SelectMany((items, copy) => items.Select(i => i with { ItemId = $"{copy}/{i.ItemId}" })).ToList());
        return (Finite(() => KrippendorffAlpha.Ordinal(table, PairLabels.OrdinalScale)), Finite(() => FleissKappa.Compute(table)));
    }

    private static double? Finite(Func<double> compute)
    {
        double value = compute();
        return double.IsFinite(value) ? value : null;
    }

    private static double? Percentile(List<double> values, double q)
    {
        if (values.Count == 0) return null;
        values.Sort();
        return values[(int)Math.Clamp(Math.Round(q * (values.Count - 1)), 0, values.Count - 1)];
    }
}
