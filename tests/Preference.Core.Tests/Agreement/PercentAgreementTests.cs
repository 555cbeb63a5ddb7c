using Preference.Core.Agreement;

namespace Preference.Core.Tests.Agreement;

public class PercentAgreementTests
{
    [Fact]
    public void Each_item_counts_its_agreeing_rater_pairs()
    {
        // item0: x,x,x -> 3/3; item1: x,x,y -> 1/3; item2: x,y,z -> 0/3. Mean = 4/9.
        var table = Tables.ByRater(("a", ["x", "x", "x"]), ("b", ["x", "x", "y"]), ("c", ["x", "y", "z"]));
        Assert.Equal(4.0 / 9, PercentAgreement.Pairwise(table), 12);
    }

    [Fact]
    public void Without_any_item_rated_twice_it_is_undefined()
    {
        Assert.True(double.IsNaN(PercentAgreement.Pairwise(Tables.ByRater(("a", ["x", "y"])))));
    }
}
