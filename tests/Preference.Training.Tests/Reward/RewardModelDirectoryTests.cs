using System.Text.Json;
using Preference.Models.Loading;
using Preference.Training.Reward.Data;
using Preference.Training.Reward.Export;
using Preference.Training.Reward.Modeling;
using TorchSharp;

namespace Preference.Training.Tests.Reward;

public class RewardModelDirectoryTests
{
    static readonly (string, string)[] Inputs =
    [
        ("\n\nHuman: hello\n\nAssistant: hi\n\nHuman: hi\n\nAssistant:", "an apple"),
        ("\n\nHuman: hi\n\nAssistant:", "a dog ran far"),
    ];

    [Theory]
    [InlineData(RewardPooling.Last, PromptContext.Full)]
    [InlineData(RewardPooling.LastAndMean, PromptContext.LastHumanTurn)]
    public void An_exported_reward_model_reloads_with_identical_scores_and_statistics(RewardPooling pooling, PromptContext context)
    {
        using var dir = new TempDirectory();
        var train = SyntheticPreferences.AppleWins(16, seed: 1);
        var config = SyntheticPreferences.TinyConfig() with { Pooling = pooling, Context = context };
        using var model = RewardModelFactory.Create(config, train, dir.File("tokenizer"), torch.CPU);
        model.Statistics = new RewardStatistics(0.25, 2.0, 32, "train completions");
        var before = model.Score(Inputs);

        RewardModelDirectory.Save(model, dir.File("model"), "scratch");
        using var loaded = RewardModelDirectory.Load(dir.File("model"), torch.CPU);

        Assert.Equal(before, loaded.Score(Inputs));
        Assert.Equal(model.Statistics, loaded.Statistics);
        Assert.Equal((32, pooling, context), (loaded.Window.MaxLength, loaded.Network.Pooling, loaded.Window.Context));
    }

    [Theory]
    [InlineData(RewardModelFactory.Scratch)]
    [InlineData(RewardModelFactory.Bundled)] // llama2.c's interleaved rotary rows, saved half-split
    public void Saved_weights_load_back_into_a_live_model_with_identical_scores(string baseModel)
    {
        using var dir = new TempDirectory();
        var train = SyntheticPreferences.AppleWins(16, seed: 1);
        var config = SyntheticPreferences.TinyConfig() with { BaseModel = baseModel, Pooling = RewardPooling.LastAndMean };
        using var trained = RewardModelFactory.Create(config, train, dir.File("tokenizer"), torch.CPU);
        torch.manual_seed(3);
        using (torch.no_grad())
            foreach (var parameter in trained.Network.parameters()) parameter.add_(torch.randn_like(parameter) * 0.05);
        RewardModelDirectory.Save(trained, dir.File("model"), baseModel);

        using var live = RewardModelFactory.Create(config, train, dir.File("tokenizer"), torch.CPU);
        Assert.NotEqual(trained.Score(Inputs), live.Score(Inputs));
        RewardModelDirectory.LoadWeights(live, dir.File("model"));
        var expected = trained.Score(Inputs);
        var actual = live.Score(Inputs);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 4);
    }

    [Fact]
    public void A_pooled_head_is_exported_beside_the_score_head_and_documented_in_the_config()
    {
        using var dir = new TempDirectory();
        var train = SyntheticPreferences.AppleWins(16, seed: 1);
        var config = SyntheticPreferences.TinyConfig() with { Pooling = RewardPooling.LastAndMean };
        using var model = RewardModelFactory.Create(config, train, dir.File("tokenizer"), torch.CPU);
        RewardModelDirectory.Save(model, dir.File("model"), "scratch");

        using var weights = SafetensorsCheckpoint.Open(dir.File("model"));
        Assert.Equal([1L, 32L], weights.Entry("score.weight").Shape);
        Assert.Equal([1L, 32L], weights.Entry("pooled_score.weight").Shape);
        var json = JsonDocument.Parse(File.ReadAllText(dir.File("model/config.json"))).RootElement;
        Assert.StartsWith("last_and_mean", json.GetProperty("reward_pooling").GetString());
        var card = JsonDocument.Parse(File.ReadAllText(dir.File("model/reward_model.json"))).RootElement;
        Assert.Equal("last_and_mean", card.GetProperty("pooling").GetString());
    }

    [Fact]
    public void Loading_a_pooled_model_without_its_pooled_head_fails_naming_the_weight()
    {
        using var dir = new TempDirectory();
        var train = SyntheticPreferences.AppleWins(16, seed: 1);
        using var model = RewardModelFactory.Create(SyntheticPreferences.TinyConfig(), train, dir.File("tokenizer"), torch.CPU);
        RewardModelDirectory.Save(model, dir.File("model"), "scratch");
        var card = File.ReadAllText(dir.File("model/reward_model.json")).Replace("\"pooling\": \"last\"", "\"pooling\": \"last_and_mean\"");
        File.WriteAllText(dir.File("model/reward_model.json"), card);

        var error = Assert.ThrowsAny<Exception>(() => RewardModelDirectory.Load(dir.File("model"), torch.CPU));
        Assert.Contains("pooled_score.weight", error.Message);
    }

    [Fact]
    public void The_export_is_a_hugging_face_sequence_classifier_with_a_score_head_and_no_lm_head()
    {
        using var dir = new TempDirectory();
        var train = SyntheticPreferences.AppleWins(16, seed: 1);
        using var model = RewardModelFactory.Create(SyntheticPreferences.TinyConfig(), train, dir.File("tokenizer"), torch.CPU);
        RewardModelDirectory.Save(model, dir.File("model"), "scratch");

        var config = JsonDocument.Parse(File.ReadAllText(dir.File("model/config.json"))).RootElement;
        Assert.Equal("LlamaForSequenceClassification", config.GetProperty("architectures")[0].GetString());
        Assert.Equal(1, config.GetProperty("num_labels").GetInt32());
        Assert.Equal(model.Tokenizer.PadId, config.GetProperty("pad_token_id").GetInt32());
        Assert.NotEqual(model.Tokenizer.EosId, model.Tokenizer.PadId);
        using var weights = SafetensorsCheckpoint.Open(dir.File("model"));
        Assert.Equal([1L, 32L], weights.Entry("score.weight").Shape);
        Assert.DoesNotContain("lm_head.weight", weights.Names);
        Assert.Contains("model.embed_tokens.weight", weights.Names);
        Assert.True(File.Exists(dir.File("model/tokenizer.json")));
    }

    [Fact]
    public void Loading_a_directory_without_a_score_head_fails_naming_the_weight()
    {
        using var dir = new TempDirectory();
        var train = SyntheticPreferences.AppleWins(16, seed: 1);
        using var model = RewardModelFactory.Create(SyntheticPreferences.TinyConfig(), train, dir.File("tokenizer"), torch.CPU);
        RewardModelDirectory.Save(model, dir.File("model"), "scratch");
        HuggingFaceCheckpoint.Save(model.Network.Trunk, dir.File("model")); // a plain causal LM over the same directory

        var error = Assert.ThrowsAny<Exception>(() => RewardModelDirectory.Load(dir.File("model"), torch.CPU));
        Assert.Contains("score.weight", error.Message);
    }
}
