using Preference.Core.Agreement;

namespace Preference.Core.Tests.Agreement;

public class KrippendorffAlphaTests
{
    // Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: 4 observers, 12 units, missing
    // values; published alpha nominal = 0.743, ordinal = 0.815 (recomputed here from the coincidence matrix by hand).
    private static readonly RatingTable Published = Tables.ByRater(
        ("A", ["1", "2", "3", "3", "2", "1", "4", "1", "2", null, null, null]),
        ("B", ["1", "2", "3", "3", "2", "2", "4", "1", "2", "5", null, "3"]),
        ("C", [null, "3", "3", "3", "2", "3", "4", "2", "2", "5", "1", null]),
        ("D", ["1", "2", "3", "3", "2", "4", "4", "1", "2", "5", "1", null]));

    [Fact]
    public void Nominal_alpha_matches_the_published_example_with_missing_values()
    {
        Assert.Equal(0.743421052631579, KrippendorffAlpha.Nominal(Published), 12);
    }

    [Fact]
    public void Ordinal_alpha_matches_the_published_example_with_missing_values()
    {
        Assert.Equal(0.8153875037548814, KrippendorffAlpha.Ordinal(Published, ["1", "2", "3", "4", "5"]), 12);
    }

    [Fact]
    public void Ordinal_alpha_punishes_opposite_preferences_more_than_a_tie()
    {
        var nearMiss = Tables.ByRater(("a", ["first", "second", "first", "second"]), ("b", ["tie", "second", "first", "second"]));
        var farMiss = Tables.ByRater(("a", ["first", "second", "first", "second"]), ("b", ["second", "second", "first", "second"]));
        Assert.True(KrippendorffAlpha.Ordinal(nearMiss, PairLabels.OrdinalScale) > KrippendorffAlpha.Ordinal(farMiss, PairLabels.OrdinalScale));
    }

    [Fact]
    public void Ordinal_alpha_rejects_a_label_missing_from_the_scale()
    {
        var table = Tables.ByRater(("a", ["first", "maybe"]), ("b", ["first", "tie"]));
        var error = Assert.Throws<ArgumentException>(() => KrippendorffAlpha.Ordinal(table, PairLabels.OrdinalScale));
        Assert.Contains("maybe", error.Message);
    }

    [Fact]
    public void Items_rated_once_carry_no_pairable_values()
    {
        var table = Tables.ByRater(("a", ["x", "y", "x"]), ("b", ["x", "y", null]));
        Assert.Equal(1.0, KrippendorffAlpha.Nominal(table), 12);
    }
}
