using Preference.Training.Reward.Modeling;

namespace Preference.Training.Tests.Reward;

public class ReferenceFeaturesTests
{
    static float Feature(string completion, string? reference, string name) =>
        ReferenceFeatures.Of(completion, reference)[ReferenceFeatures.Names.ToList().IndexOf(name)];

    // "mat on the cat" against "the cat on the mat": every completion word is in the reference (P 4/4), 4 of the
    // reference's 5 are covered (R 4/5, "the" counted once); bigrams "on the" and "the cat" of 3 and 4 (F1 4/7);
    // the longest common subsequence is 2 words ("on the" or "the cat"), so ROUGE-L P 2/4, R 2/5, F 4/9.
    [Theory]
    [InlineData("has_reference", 1.0)]
    [InlineData("reference_word_precision", 1.0)]
    [InlineData("reference_word_recall", 0.8)]
    [InlineData("reference_word_f1", 16.0 / 18)]
    [InlineData("reference_bigram_f1", 4.0 / 7)]
    [InlineData("reference_rouge_l_f1", 4.0 / 9)]
    public void Reference_features_match_hand_computed_values(string name, double expected) =>
        Assert.Equal(expected, Feature("Mat, on the cat!", "The cat on the mat.", name), 5);

    [Fact]
    public void A_repeated_word_counts_only_as_often_as_the_reference_has_it()
    {
        // "the the the" against "the cat": one "the" matches, P 1/3, R 1/2.
        Assert.Equal(1.0 / 3, Feature("the the the", "the cat", "reference_word_precision"), 5);
        Assert.Equal(0.5, Feature("the the the", "the cat", "reference_word_recall"), 5);
    }

    [Fact]
    public void The_longest_common_subsequence_skips_gaps_in_both_texts()
    {
        string[] a = ["a", "x", "b", "y", "c"], b = ["a", "b", "z", "c", "w"];
        Assert.Equal(3, ReferenceFeatures.LongestCommonSubsequence(a, b));
        Assert.Equal(0, ReferenceFeatures.LongestCommonSubsequence(a, []));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("   ")]
    public void Without_a_reference_every_feature_is_zero_including_the_indicator(string? reference) =>
        Assert.All(ReferenceFeatures.Of("any answer at all", reference), v => Assert.Equal(0f, v));

    [Fact]
    public void An_empty_answer_with_a_reference_overlaps_nothing_but_says_a_reference_was_there()
    {
        var features = ReferenceFeatures.Of("", "the cat");
        Assert.Equal(1f, features[0]);
        Assert.All(features.Skip(1), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void The_grounding_reference_set_is_the_grounding_features_then_the_reference_features()
    {
        var names = RewardFeatureSet.Names(RewardFeatures.GroundingReference);
        Assert.Equal([.. GroundingFeatures.Names, .. ReferenceFeatures.Names], names);
        var values = RewardFeatureSet.Of(RewardFeatures.GroundingReference, "Question: q", "the cat", "the cat")!;
        Assert.Equal(names.Count, values.Length);
        Assert.Equal(1f, values[names.ToList().IndexOf("reference_word_f1")]);
    }
}
