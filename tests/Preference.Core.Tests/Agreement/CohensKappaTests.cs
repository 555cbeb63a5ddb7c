using Preference.Core.Agreement;

namespace Preference.Core.Tests.Agreement;

public class CohensKappaTests
{
    [Fact]
    public void Two_raters_with_20_5_10_15_split_give_kappa_0_4()
    {
        // yes/yes 20, yes/no 5, no/yes 10, no/no 15: po = 0.7, pe = 0.5*0.6 + 0.5*0.4 = 0.5, kappa = 0.2/0.5.
        var pairs = Enumerable.Repeat(("yes", "yes"), 20).Concat(Enumerable.Repeat(("yes", "no"), 5))
            .Concat(Enumerable.Repeat(("no", "yes"), 10)).Concat(Enumerable.Repeat(("no", "no"), 15)).ToList();
        Assert.Equal(0.4, CohensKappa.Compute(pairs), 12);
    }

    [Fact]
    public void Perfect_agreement_over_several_labels_gives_one()
    {
        Assert.Equal(1.0, CohensKappa.Compute([("a", "a"), ("b", "b"), ("c", "c"), ("a", "a")]), 12);
    }

    [Fact]
    public void Systematic_disagreement_gives_a_negative_kappa()
    {
        // po = 0, pe = 0.5: kappa = -1.
        Assert.Equal(-1.0, CohensKappa.Compute([("a", "b"), ("b", "a")]), 12);
    }

    [Fact]
    public void Both_raters_always_using_one_label_is_undefined_not_perfect()
    {
        Assert.True(double.IsNaN(CohensKappa.Compute([("a", "a"), ("a", "a")])));
    }

    [Fact]
    public void Named_raters_are_compared_only_on_items_both_labelled()
    {
        var table = Tables.ByRater(("ann", ["x", "y", "x", null]), ("bob", ["x", "y", null, "y"]));
        Assert.Equal(1.0, CohensKappa.Compute(table, "ann", "bob"), 12);
    }
}
