namespace Preference.Core.Agreement;

/// <summary>How often one rater agreed with the consensus of the others on the items they shared.</summary>
/// <param name="Items">Items this rater labelled where the other raters had a majority.</param>
public sealed record RaterAgreement(string Rater, int Items, int Agreed)
{
    public double Rate => Items == 0 ? double.NaN : (double)Agreed / Items;
}

public static class ConsensusAgreement
{
    /// <summary>
    /// Per-rater agreement with the majority of the <em>other</em> raters on each item (leave-one-out, so a rater is
    /// never compared with a consensus they helped make). Items where the others are split are skipped.
    /// </summary>
    public static IReadOnlyList<RaterAgreement> PerRater(RatingTable table) =>
        table.Raters.Select(rater =>
        {
            int items = 0, agreed = 0;
            foreach (var item in table.Items)
            {
                if (!item.LabelsByRater.TryGetValue(rater, out var own)) continue;
                var consensus = MajorityVote.Of(item.LabelsByRater.Where(kv => kv.Key != rater).Select(kv => kv.Value));
                if (consensus is null) continue;
                items++;
                if (consensus == own) agreed++;
            }
            return new RaterAgreement(rater, items, agreed);
        }).ToList();
}
