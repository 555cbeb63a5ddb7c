using System.Globalization;
using System.Text;
using Preference.Core.Agreement;

namespace Preference.Judges.Agreement;

/// <summary>
/// How far a judge can be trusted on this data: its accuracy against the human majority (failures count as misses),
/// Cohen's kappa against that majority, the confusion table, ties, failures and how often the presentation order
/// flipped its verdict, next to how much the humans agree among themselves.
/// </summary>
public sealed record JudgeAgreementReport(
    MajorityAccuracyResult Accuracy,
    double KappaVsMajority,
    double HumanFleissKappa,
    double HumanPercentAgreement,
    int HumanRaters,
    int JudgeLabels,
    int JudgeFailures,
    int JudgeTies,
    int MajorityTies,
    int OrderFlipsKnown,
    int OrderFlipped)
{
    /// <summary>Share of verdicts that changed with the order; NaN when the judge ran without position-bias control.</summary>
    public double FlipRate => OrderFlipsKnown == 0 ? double.NaN : (double)OrderFlipped / OrderFlipsKnown;

    public static JudgeAgreementReport Build(LabelSet humans, LabelSet judge)
    {
        var judgeLabels = judge.SingleRaterLabels();
        var accuracy = MajorityAccuracy.Compute(humans.Table, judgeLabels, PairLabels.OrdinalScale);

        var pairs = new List<(string, string)>();
        int majorityTies = 0;
        foreach (var item in humans.Table.Items)
        {
            if (MajorityVote.Of(item.Labels) is not { } majority) continue;
            if (majority == PairLabels.Tie) majorityTies++;
            if (judgeLabels.GetValueOrDefault(item.ItemId) is { } label) pairs.Add((majority, label));
        }

        var humanIds = humans.Table.Items.Select(i => i.ItemId).ToHashSet();
        var flips = judge.OrderFlipped.Where(kv => humanIds.Contains(kv.Key)).ToList();
        return new JudgeAgreementReport(
            accuracy,
            CohensKappa.Compute(pairs),
            FleissKappa.Compute(humans.Table),
            PercentAgreement.Pairwise(humans.Table),
            humans.Table.Raters.Count,
            judgeLabels.Count(kv => kv.Value is not null && humanIds.Contains(kv.Key)),
            judgeLabels.Count(kv => kv.Value is null && humanIds.Contains(kv.Key)),
            judgeLabels.Count(kv => kv.Value == PairLabels.Tie && humanIds.Contains(kv.Key)),
            majorityTies,
            flips.Count,
            flips.Count(kv => kv.Value));
    }

    /// <summary>A plain-text report a person can paste into a note.</summary>
    public string Render()
    {
        var text = new StringBuilder();
        void Line(string what, string value) => text.Append(CultureInfo.InvariantCulture, $"{what,-42} {value}\n");
        Line("items labelled by humans", $"{Accuracy.Items} ({HumanRaters} annotators)");
        Line("items with a human majority", Accuracy.ItemsWithMajority.ToString(CultureInfo.InvariantCulture));
        Line("judge verdicts / failures", $"{JudgeLabels} / {JudgeFailures}");
        Line("accuracy vs human majority", $"{F(Accuracy.Accuracy)} ({Accuracy.Correct}/{Accuracy.ItemsWithMajority}, failures count as misses)");
        Line("accuracy where the judge gave a verdict", $"{F(Accuracy.AccuracyWhereLabelled)} ({Accuracy.Correct}/{Accuracy.Predicted})");
        Line("Cohen's kappa vs human majority", F(KappaVsMajority));
        Line("humans: Fleiss' kappa", F(HumanFleissKappa));
        Line("humans: pairwise percent agreement", F(HumanPercentAgreement));
        Line("ties: judge / human majority", $"{JudgeTies} / {MajorityTies}");
        Line("position flips", OrderFlipsKnown == 0 ? "not measured (judge ran in one order)" : $"{F(FlipRate)} ({OrderFlipped}/{OrderFlipsKnown})");
        text.Append("\nconfusion (rows: human majority, columns: judge)\n");
        var categories = Accuracy.Confusion.Categories;
        text.Append($"{"",-10}").AppendJoin("", categories.Select(c => $"{c,10}")).Append('\n');
        foreach (var row in categories.Where(c => c != MajorityAccuracy.NoLabel))
            text.Append($"{row,-10}").AppendJoin("", categories.Select(c => $"{Accuracy.Confusion[row, c],10}")).Append('\n');
        return text.ToString();
    }

    private static string F(double value) => double.IsNaN(value) ? "n/a" : value.ToString("0.0000", CultureInfo.InvariantCulture);
}
