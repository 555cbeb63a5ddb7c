using System.Text.Json;
using Preference.Core.Agreement;

namespace Preference.Core.Tests.Agreement;

public class FleissKappaTests
{
    [Fact]
    public void Fourteen_raters_on_ten_subjects_give_the_textbook_0_210()
    {
        // The worked example of Fleiss (1971) as reproduced on Wikipedia: P-bar = 0.378, P-e = 0.213.
        int[][] counts =
        [
            [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
            [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
        ];
        Assert.Equal(0.20993070442195522, FleissKappa.Compute(Tables.FromCounts(counts)), 12);
    }

    [Fact]
    public void With_two_raters_and_equal_marginals_it_equals_cohens_kappa()
    {
        var table = Tables.ByRater(("a", ["x", "x", "y", "y"]), ("b", ["x", "y", "x", "y"]));
        Assert.Equal(0.0, FleissKappa.Compute(table), 12);
    }

    [Fact]
    public void Items_with_a_single_rating_are_ignored()
    {
        var complete = Tables.ByRater(("a", ["x", "y", "x"]), ("b", ["x", "y", "y"]));
        var withLoneItem = Tables.ByRater(("a", ["x", "y", "x", "z"]), ("b", ["x", "y", "y", null]));
        Assert.Equal(FleissKappa.Compute(complete), FleissKappa.Compute(withLoneItem), 12);
    }

    [Fact]
    public void Three_pandalm_annotators_agree_with_kappa_0_802_on_the_shipped_slice()
    {
        // Computed independently (plain python over tests/fixtures/pandalm/testset-every7th.json, 100 items x 3
        // annotators, labels 0/1/2): P-bar = 0.88, P-e = 0.3938, kappa = 0.8020455295282083.
        var table = PandaLmAnnotators(TestData.Fixture("pandalm", "testset-every7th.json"));

        Assert.Equal(100, table.Items.Count);
        Assert.Equal(0.8020455295282083, FleissKappa.Compute(table), 10);
    }

    [SharedDataFact]
    public void Three_pandalm_annotators_agree_with_kappa_0_839_on_the_whole_test_set()
    {
        // Computed independently (plain python over testset.json, 699 items x 3 annotators, labels 0/1/2):
        // P-bar = 0.90081, P-e = 0.38233, kappa = 0.8394149404602376.
        var table = PandaLmAnnotators(TestData.Shared("data", "pandalm", "testset.json"));

        Assert.Equal(699, table.Items.Count);
        Assert.Equal(0.8394149404602376, FleissKappa.Compute(table), 10);
    }

    private static RatingTable PandaLmAnnotators(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return RatingTable.FromRows(doc.RootElement.EnumerateArray().SelectMany(item => new[] { "annotator1", "annotator2", "annotator3" }
            .Select(a => (item.GetProperty("idx").GetInt32().ToString(), a, item.GetProperty(a).GetInt32().ToString()))).ToList());
    }
}
