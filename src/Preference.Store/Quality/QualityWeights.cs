namespace Preference.Store.Quality;

/// <summary>
/// The weight of each annotator's rankings in a quality-weighted export: agreement with gold where they ranked gold
/// tasks, else agreement with their peers' majority, else (nothing measured yet) the mean of the measured weights,
/// so an unmeasured annotator counts as an average one rather than as a perfect or a useless one. A small floor keeps
/// every annotator's vote from vanishing entirely.
/// </summary>
public static class QualityWeights
{
    public const double Floor = 0.05;

    public static IReadOnlyList<AnnotatorQuality> Assign(IReadOnlyList<AnnotatorQuality> rows)
    {
        var measured = rows.Select(r => r.GoldAgreement ?? r.PeerAgreement).Where(w => w is not null).Select(w => w!.Value).ToList();
        double fallback = measured.Count == 0 ? 1 : measured.Average();
        return rows.Select(r => r with { Weight = Math.Max(Floor, r.GoldAgreement ?? r.PeerAgreement ?? fallback) }).ToList();
    }
}
