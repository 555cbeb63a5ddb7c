namespace Preference.Core.Agreement;

/// <summary>How well one rater (a judge) matches the majority of a group of others (the humans).</summary>
/// <param name="Items">Items the group labelled.</param>
/// <param name="ItemsWithMajority">Items where the group had a majority; only these can be scored.</param>
/// <param name="Predicted">Of those, items the judge gave a label for (the rest count as wrong in <see cref="Accuracy"/>).</param>
/// <param name="Correct">Items where the judge's label equals the majority.</param>
/// <param name="Confusion">Majority label against judge label; a missing judge label appears as <see cref="MajorityAccuracy.NoLabel"/>.</param>
public sealed record MajorityAccuracyResult(int Items, int ItemsWithMajority, int Predicted, int Correct, ConfusionTable Confusion)
{
    /// <summary>Correct over items with a majority: a failed or missing verdict is a miss, so failures cannot flatter the judge.</summary>
    public double Accuracy => ItemsWithMajority == 0 ? double.NaN : (double)Correct / ItemsWithMajority;

    /// <summary>Correct over items with a majority that the judge did label.</summary>
    public double AccuracyWhereLabelled => Predicted == 0 ? double.NaN : (double)Correct / Predicted;
}

public static class MajorityAccuracy
{
    /// <summary>The column in the confusion table for items the judge did not label (failed or missing verdict).</summary>
    public const string NoLabel = "(none)";

    /// <param name="group">The reference raters (e.g. the human annotators).</param>
    /// <param name="predictions">The judge's label per item id; a missing item or a null label means no verdict.</param>
    /// <param name="categoryOrder">Optional order of labels in the confusion table.</param>
    public static MajorityAccuracyResult Compute(RatingTable group, IReadOnlyDictionary<string, string?> predictions,
        IEnumerable<string>? categoryOrder = null)
    {
        int withMajority = 0, predicted = 0, correct = 0;
        var pairs = new List<(string, string)>();
        foreach (var item in group.Items)
        {
            var majority = MajorityVote.Of(item.Labels);
            if (majority is null) continue;
            withMajority++;
            var label = predictions.GetValueOrDefault(item.ItemId);
            if (label is not null) predicted++;
            if (label == majority) correct++;
            pairs.Add((majority, label ?? NoLabel));
        }
        var order = (categoryOrder ?? []).Append(NoLabel);
        return new MajorityAccuracyResult(group.Items.Count, withMajority, predicted, correct, ConfusionTable.From(pairs, order));
    }
}
