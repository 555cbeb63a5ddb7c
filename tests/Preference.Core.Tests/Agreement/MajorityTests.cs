using Preference.Core.Agreement;

namespace Preference.Core.Tests.Agreement;

public class MajorityTests
{
    [Theory]
    [InlineData("x,x,y", "x")]
    [InlineData("x,y,z", null)]
    [InlineData("x,y", null)]
    [InlineData("y", "y")]
    [InlineData("x,x,y,y,z", null)]
    [InlineData("x,x,y,z", "x")]
    public void Majority_is_the_single_most_frequent_label(string labels, string? expected)
    {
        Assert.Equal(expected, MajorityVote.Of(labels.Split(',')));
    }

    [Fact]
    public void Judge_accuracy_counts_a_missing_verdict_as_a_miss_and_skips_items_without_majority()
    {
        var humans = Tables.ByRater(
            ("h1", ["first", "second", "tie", "first", "first"]),
            ("h2", ["first", "second", "tie", "second", "first"]),
            ("h3", ["second", "second", "first", "tie", "first"]));
        var judge = new Dictionary<string, string?>
        {
            ["item0"] = "first", ["item1"] = "first", ["item2"] = "tie", ["item3"] = "first", ["item4"] = null,
        };

        var result = MajorityAccuracy.Compute(humans, judge, PairLabels.OrdinalScale);

        Assert.Equal(5, result.Items);
        Assert.Equal(4, result.ItemsWithMajority); // item3 is split three ways
        Assert.Equal(3, result.Predicted);
        Assert.Equal(2, result.Correct);
        Assert.Equal(0.5, result.Accuracy, 12);
        Assert.Equal(2.0 / 3, result.AccuracyWhereLabelled, 12);
        Assert.Equal(1, result.Confusion["second", "first"]);
        Assert.Equal(1, result.Confusion["first", MajorityAccuracy.NoLabel]);
        Assert.Equal(["first", "tie", "second", MajorityAccuracy.NoLabel], result.Confusion.Categories);
        Assert.Equal(4, result.Confusion.Total);
    }

    [Fact]
    public void Each_rater_is_compared_with_the_majority_of_the_others()
    {
        // item0 x,x,z: a and b each see others split (x vs z) and skip it; c sees x,x and disagrees.
        // item1 y,y,y: everyone agrees. item2 x,y,y: a sees y,y and disagrees; b and c see x,y split.
        var table = Tables.ByRater(("a", ["x", "y", "x"]), ("b", ["x", "y", "y"]), ("c", ["z", "y", "y"]));

        var perRater = ConsensusAgreement.PerRater(table).ToDictionary(r => r.Rater);

        Assert.Equal(new RaterAgreement("a", 2, 1), perRater["a"]);
        Assert.Equal(new RaterAgreement("b", 1, 1), perRater["b"]);
        Assert.Equal(new RaterAgreement("c", 2, 1), perRater["c"]);
    }

    [Fact]
    public void A_rater_labelling_an_item_twice_is_rejected()
    {
        var error = Assert.Throws<ArgumentException>(() => RatingTable.FromRows([("i", "ann", "x"), ("i", "ann", "y")]));
        Assert.Contains("ann", error.Message);
    }
}
