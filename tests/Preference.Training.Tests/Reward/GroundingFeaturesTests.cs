using Preference.Training.Reward.Baselines;
using Preference.Training.Reward.Data;
using Preference.Training.Reward.Modeling;

namespace Preference.Training.Tests.Reward;

public class GroundingFeaturesTests
{
    static readonly string Prompt = new QaPrompt("Who built the bridge?",
        [new Passage("Town", ["The bridge was built by Anna Berg in 1901."])]).Format();

    static float Feature(string name, string completion) =>
        GroundingFeatures.Of(Prompt, completion)[GroundingFeatures.Names.ToList().IndexOf(name)];

    [Fact]
    public void An_answer_copied_from_the_passage_is_fully_supported()
    {
        Assert.Equal(1f, Feature("bigram_precision", "The bridge was built by Anna Berg."));
        Assert.Equal(1f, Feature("trigram_precision", "The bridge was built by Anna Berg."));
    }

    [Fact]
    public void An_answer_the_passage_does_not_contain_is_unsupported()
    {
        Assert.Equal(0f, Feature("bigram_precision", "Karl Stein designed it long ago."));
    }

    [Fact]
    public void The_passages_not_the_question_are_the_source()
    {
        // "who built" occurs in the question only.
        Assert.Equal(0f, Feature("bigram_precision", "who built"));
    }

    [Fact]
    public void Repeating_a_phrase_raises_the_repetition_feature()
    {
        Assert.Equal(0f, Feature("repeated_trigrams", "Anna Berg built the bridge."));
        Assert.True(Feature("repeated_trigrams", "Anna Berg built it. Anna Berg built it.") > 0.3f);
    }

    [Fact]
    public void Without_passages_the_prompt_is_the_source()
    {
        var features = GroundingFeatures.Of("\n\nHuman: the red car\n\nAssistant:", "the red car");
        Assert.Equal(1f, features[GroundingFeatures.Names.ToList().IndexOf("bigram_precision")]);
    }

    [Fact]
    public void The_passage_overlap_baseline_prefers_the_supported_answer()
    {
        var baseline = new PassageOverlapBaseline();
        var pairs = GroundedPreferences.SupportedWins(20, seed: 1);
        Assert.All(pairs, p => Assert.True(baseline.Score(p.Prompt, p.Chosen) > baseline.Score(p.Prompt, p.Rejected)));
    }

    [Fact]
    public void The_grounding_logistic_learns_which_way_support_points_from_its_training_pairs()
    {
        var test = GroundedPreferences.SupportedWins(20, seed: 2);
        double Accuracy(IReadOnlyList<RewardPair> train)
        {
            var baseline = new GroundingLogistic();
            baseline.Fit(train);
            return test.Count(p => baseline.Score(p.Prompt, p.Chosen) > baseline.Score(p.Prompt, p.Rejected)) / (double)test.Count;
        }

        Assert.Equal(1.0, Accuracy(GroundedPreferences.SupportedWins(40, seed: 1)));
        Assert.Equal(0.0, Accuracy(SyntheticPreferences.Swapped(GroundedPreferences.SupportedWins(40, seed: 1))));
    }

    [Fact]
    public void The_longer_answer_baseline_scores_by_length()
    {
        var baseline = new LongerAnswerBaseline();
        Assert.True(baseline.Score("q", "a longer answer") > baseline.Score("q", "short"));
    }
}
