using Preference.Core.Rewards;
using Preference.Training.Reward.Data;
using Preference.Training.Reward.Evaluation;
using Preference.Training.Reward.Export;
using Preference.Training.Reward.Modeling;
using Preference.Training.Reward.Training;
using Preference.Training.Rewards;
using TorchSharp;

namespace Preference.Training.Tests.Reward;

public class FeatureHeadTests
{
    static RewardConfig Config(TempDirectory dir) => SyntheticPreferences.TinyConfig() with
    {
        Features = RewardFeatures.Grounding, Context = PromptContext.RelevantPassages, MaxLength = 48, NumTrainEpochs = 2,
    };

    static PairwiseAccuracy TrainAndTest(IReadOnlyList<RewardPair> train, RewardConfig config, TempDirectory dir) =>
        SyntheticPreferences.TrainAndTest(config, dir, train, GroundedPreferences.SupportedWins(16, seed: 99), GroundedPreferences.SupportedWins(40, seed: 2));

    [Fact]
    public void A_reward_model_with_grounding_features_prefers_answers_its_passages_support()
    {
        using var dir = new TempDirectory();
        var accuracy = TrainAndTest(GroundedPreferences.SupportedWins(64, seed: 1), Config(dir), dir);
        Assert.True(accuracy.Accuracy >= 0.95, $"held-out accuracy {accuracy}");
    }

    [Fact]
    public void Swapped_labels_teach_the_feature_head_to_prefer_unsupported_answers()
    {
        using var dir = new TempDirectory();
        var accuracy = TrainAndTest(SyntheticPreferences.Swapped(GroundedPreferences.SupportedWins(64, seed: 1)), Config(dir), dir);
        Assert.True(accuracy.Accuracy <= 0.05, $"held-out accuracy {accuracy}");
    }

    [Fact]
    public void The_warm_start_scores_exactly_like_the_features_alone()
    {
        using var dir = new TempDirectory();
        var train = GroundedPreferences.SupportedWins(32, seed: 1);
        using var model = RewardModelFactory.Create(Config(dir), train, dir.File("tokenizer"), torch.CPU);
        var test = GroundedPreferences.SupportedWins(8, seed: 2);
        var inputs = test.Select(p => (p.Prompt, p.Chosen)).ToList();

        var scores = model.Score(inputs);
        using var noGrad = torch.no_grad();
        var features = torch.tensor(inputs.SelectMany(i => GroundingFeatures.Of(i.Prompt, i.Chosen)).ToArray(), [inputs.Count, GroundingFeatures.Count]);
        var expected = model.Network.FeatureScore!.forward(features).data<float>().ToArray();

        Assert.Equal(expected, scores);
    }

    [Fact]
    public void A_model_with_a_feature_head_reloads_with_identical_scores()
    {
        using var dir = new TempDirectory();
        var train = GroundedPreferences.SupportedWins(32, seed: 1);
        var config = Config(dir) with { FeatureWarmStart = false, Pooling = RewardPooling.LastAndMean };
        using var model = RewardModelFactory.Create(config, train, dir.File("tokenizer"), torch.CPU);
        using (torch.no_grad()) model.Network.FeatureScore!.Weight.normal_();
        var inputs = GroundedPreferences.SupportedWins(4, seed: 5).Select(p => (p.Prompt, p.Rejected)).ToList();
        var before = model.Score(inputs);

        RewardModelDirectory.Save(model, dir.File("model"), "scratch");
        using var loaded = RewardModelDirectory.Load(dir.File("model"), torch.CPU);

        Assert.Equal(before, loaded.Score(inputs));
        Assert.Equal((RewardFeatures.Grounding, PromptContext.RelevantPassages), (loaded.Window.Features, loaded.Window.Context));
        // transformers computes score.weight alone; the export says which of our heads it leaves out.
        var readme = File.ReadAllText(dir.File("model/README.md"));
        Assert.Contains("Not in the transformers score:** `feature_score.weight`", readme);
        Assert.Contains("Not in the transformers score:** `pooled_score.weight`", readme);
    }

    [Fact]
    public void Loading_a_feature_model_without_its_feature_weights_fails_naming_them()
    {
        using var dir = new TempDirectory();
        var train = GroundedPreferences.SupportedWins(32, seed: 1);
        using var model = RewardModelFactory.Create(Config(dir) with { Features = RewardFeatures.None }, train, dir.File("tokenizer"), torch.CPU);
        RewardModelDirectory.Save(model, dir.File("model"), "scratch");
        var card = RewardModelCard.Read(dir.File("model")) with { Features = RewardFeatures.Grounding };
        card.Write(dir.File("model"));

        var error = Assert.ThrowsAny<Exception>(() => RewardModelDirectory.Load(dir.File("model"), torch.CPU));
        Assert.Contains("feature_score.weight", error.Message);
    }

    [Fact]
    public async Task Ppo_scores_through_the_same_reward_source_and_a_supported_answer_earns_more()
    {
        using var dir = new TempDirectory();
        var train = GroundedPreferences.SupportedWins(32, seed: 1);
        using var model = RewardModelFactory.Create(Config(dir), train, dir.File("tokenizer"), torch.CPU);
        model.Statistics = new RewardStatistics(0.5, 2.0, 64, "train completions");
        var pair = GroundedPreferences.SupportedWins(1, seed: 7)[0];

        var rewards = await new RewardModelSource("rm", model).ScoreAsync([new RewardInput(pair.Prompt, pair.Chosen), new RewardInput(pair.Prompt, pair.Rejected)]);

        Assert.True(rewards[0] > rewards[1], $"supported {rewards[0]}, unsupported {rewards[1]}");
        var raw = model.Score([(pair.Prompt, pair.Chosen)])[0];
        Assert.Equal((raw - 0.5) / 2.0, rewards[0], 5);
    }
}
