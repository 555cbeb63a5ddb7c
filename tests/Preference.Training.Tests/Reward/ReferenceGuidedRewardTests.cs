using System.Text.Json;
using Preference.Core.Rewards;
using Preference.Training.Reward.Baselines;
using Preference.Training.Reward.Data;
using Preference.Training.Reward.Evaluation;
using Preference.Training.Reward.Export;
using Preference.Training.Reward.Modeling;
using Preference.Training.Reward.Training;
using Preference.Training.Rewards;
using TorchSharp;

namespace Preference.Training.Tests.Reward;

public class ReferenceGuidedRewardTests
{
    static RewardConfig Config(TempDirectory dir) => SyntheticPreferences.TinyConfig() with
    {
        Features = RewardFeatures.GroundingReference, MaxLength = 48, NumTrainEpochs = 2,
    };

    static PairwiseAccuracy TrainAndTest(IReadOnlyList<RewardPair> train, RewardConfig config, TempDirectory dir) =>
        SyntheticPreferences.TrainAndTest(config, dir, train, ReferencePreferences.ReferenceWins(16, seed: 99), ReferencePreferences.ReferenceWins(40, seed: 2));

    [Fact]
    public void A_reference_guided_reward_model_prefers_the_answer_that_agrees_with_the_reference()
    {
        using var dir = new TempDirectory();
        var accuracy = TrainAndTest(ReferencePreferences.ReferenceWins(64, seed: 1), Config(dir), dir);
        Assert.True(accuracy.Accuracy >= 0.95, $"held-out accuracy {accuracy}");
    }

    [Fact]
    public void Swapped_labels_teach_it_to_prefer_the_answer_that_disagrees()
    {
        using var dir = new TempDirectory();
        var accuracy = TrainAndTest(SyntheticPreferences.Swapped(ReferencePreferences.ReferenceWins(64, seed: 1)), Config(dir), dir);
        Assert.True(accuracy.Accuracy <= 0.05, $"held-out accuracy {accuracy}");
    }

    [Fact]
    public void The_reference_word_f1_rule_solves_the_task_and_a_grounding_logistic_cannot()
    {
        var train = ReferencePreferences.ReferenceWins(64, seed: 1);
        var test = ReferencePreferences.ReferenceWins(200, seed: 2);
        double Accuracy(IPairBaseline b) => PairwiseAccuracy.Of(test.Select(p => (b.Score(p.Prompt, p.Chosen, p.Reference), b.Score(p.Prompt, p.Rejected, p.Reference)))).Accuracy;
        var grounding = new GroundingLogistic();
        grounding.Fit(train);

        Assert.True(Accuracy(new ReferenceOverlapBaseline()) >= 0.98);
        Assert.InRange(Accuracy(grounding), 0.35, 0.65);
    }

    [Fact]
    public void Save_load_and_score_keep_the_feature_set_and_read_the_reference()
    {
        using var dir = new TempDirectory();
        var train = ReferencePreferences.ReferenceWins(32, seed: 1);
        using var model = RewardModelFactory.Create(Config(dir), train, dir.File("tokenizer"), torch.CPU);
        var inputs = ReferencePreferences.ReferenceWins(4, seed: 5).SelectMany(p => new[] { (p.Prompt, p.Chosen, p.Reference), (p.Prompt, p.Rejected, p.Reference) }).ToList();
        var before = model.Score(inputs);

        RewardModelDirectory.Save(model, dir.File("model"), "scratch");
        using var loaded = RewardModelDirectory.Load(dir.File("model"), torch.CPU);

        Assert.Equal(before, loaded.Score(inputs));
        Assert.Equal(RewardFeatures.GroundingReference, loaded.Window.Features);
        using var card = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.File("model"), RewardModelCard.FileName)));
        Assert.Equal("grounding_reference", card.RootElement.GetProperty("features").GetString());
        Assert.Contains("reference_word_f1", card.RootElement.GetProperty("feature_names").EnumerateArray().Select(n => n.GetString()));
        // The warm start learned to follow the reference: the agreeing answer wins every pair, and without the
        // reference the scores change (the reference is read, not ignored).
        for (int i = 0; i < inputs.Count; i += 2) Assert.True(before[i] > before[i + 1], $"pair {i / 2}: {before[i]} <= {before[i + 1]}");
        Assert.NotEqual(before, loaded.Score(inputs.Select(i => (i.Item1, i.Item2, (string?)null)).ToList()));
    }

    [Fact]
    public async Task Ppo_reward_inputs_carry_the_reference_to_the_reward_model()
    {
        using var dir = new TempDirectory();
        var train = ReferencePreferences.ReferenceWins(32, seed: 1);
        using var model = RewardModelFactory.Create(Config(dir), train, dir.File("tokenizer"), torch.CPU);
        var pair = ReferencePreferences.ReferenceWins(1, seed: 7)[0];

        var rewards = await new RewardModelSource("rm", model).ScoreAsync(
            [new RewardInput(pair.Prompt, pair.Chosen, Reference: pair.Reference), new RewardInput(pair.Prompt, pair.Rejected, Reference: pair.Reference)]);
        var swappedReference = pair.Rejected + " " + pair.Rejected;
        var swapped = await new RewardModelSource("rm", model).ScoreAsync(
            [new RewardInput(pair.Prompt, pair.Chosen, Reference: swappedReference), new RewardInput(pair.Prompt, pair.Rejected, Reference: swappedReference)]);

        Assert.True(rewards[0] > rewards[1], $"agreeing {rewards[0]}, disagreeing {rewards[1]}");
        Assert.True(swapped[1] > swapped[0], $"with the other answer as reference: {swapped[1]} <= {swapped[0]}");
        Assert.DoesNotContain(pair.Reference!, pair.Prompt);
    }
}
