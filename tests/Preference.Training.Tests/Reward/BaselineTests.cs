using Preference.Training.Reward.Baselines;
using Preference.Training.Reward.Evaluation;
using Preference.Training.Reward.Vocabulary;
using Preference.Models.Tokenization;

namespace Preference.Training.Tests.Reward;

public class BaselineTests
{
    [Fact]
    public void Bag_of_words_logistic_learns_the_word_and_unlearns_it_when_labels_are_swapped()
    {
        var train = SyntheticPreferences.AppleWins(60, seed: 1);
        var test = SyntheticPreferences.AppleWins(30, seed: 2);
        double Accuracy(IPairBaseline b) => PairwiseAccuracy.Of(test.Select(p => (b.Score(p.Prompt, p.Chosen), b.Score(p.Prompt, p.Rejected)))).Accuracy;
        var right = new BagOfWordsLogistic();
        right.Fit(train);
        var swapped = new BagOfWordsLogistic();
        swapped.Fit(SyntheticPreferences.Swapped(train));
        Assert.True(Accuracy(right) > 0.95);
        Assert.True(Accuracy(swapped) < 0.05);
    }

    [Fact]
    public void Shorter_answer_baseline_prefers_the_shorter_completion()
    {
        var b = new ShorterAnswerBaseline();
        Assert.True(b.Score("p", "No.") > b.Score("p", "Sure, here is how you do it."));
    }

    [Fact]
    public void Accuracy_interval_contains_the_estimate_and_narrows_with_more_pairs()
    {
        var small = PairwiseAccuracy.Of(Enumerable.Range(0, 20).Select(i => (i % 3 == 0 ? 0.0 : 1.0, 0.5)));
        var large = PairwiseAccuracy.Of(Enumerable.Range(0, 2000).Select(i => (i % 3 == 0 ? 0.0 : 1.0, 0.5)));
        Assert.InRange(small.Accuracy, small.Low, small.High);
        Assert.True(large.High - large.Low < small.High - small.Low);
        Assert.Equal(0.5, PairwiseAccuracy.Of([(1.0, 1.0)]).Accuracy);
    }

    [Fact]
    public void A_learned_vocabulary_is_a_tokenizer_json_our_loader_reads_and_round_trips()
    {
        using var dir = new TempDirectory();
        var texts = SyntheticPreferences.AppleWins(40, seed: 1).SelectMany(p => new[] { p.Prompt, p.Chosen, p.Rejected }).ToList();
        var json = ByteLevelBpeTrainer.Train(texts, 300);
        File.WriteAllText(dir.File("tokenizer.json"), json.ToJsonString());
        File.WriteAllText(dir.File("tokenizer_config.json"), ByteLevelBpeTrainer.TokenizerConfig().ToJsonString());
        var tokenizer = TokenizerLoader.Load(dir.Path);
        Assert.Equal(300, tokenizer.VocabSize);
        const string text = "the apple sat on a mat — ünïcode too";
        var ids = tokenizer.Encode(text, addBos: false);
        Assert.Equal(text, tokenizer.Decode(ids));
        Assert.True(tokenizer.Encode("the apple", addBos: false).Count <= 3, "frequent words should be single tokens");
        Assert.True(tokenizer.HasPad);
        Assert.NotEqual(tokenizer.EosId, tokenizer.PadId);
    }
}
