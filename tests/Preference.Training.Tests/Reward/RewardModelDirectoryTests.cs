using System.Text.Json;
using Preference.Models.Loading;
using Preference.Training.Reward.Export;
using Preference.Training.Reward.Modeling;
using TorchSharp;

namespace Preference.Training.Tests.Reward;

public class RewardModelDirectoryTests
{
    [Fact]
    public void An_exported_reward_model_reloads_with_identical_scores_and_statistics()
    {
        using var dir = new TempDirectory();
        var train = SyntheticPreferences.AppleWins(16, seed: 1);
        using var model = RewardModelFactory.Create(SyntheticPreferences.TinyConfig(dir.Path), train, dir.File("tokenizer"), torch.CPU);
        model.Statistics = new RewardStatistics(0.25, 2.0, 32, "train completions");
        string[] texts = ["Human: hi\n\nAssistant: an apple", "Human: hi\n\nAssistant: a dog ran far"];
        var before = model.Score(texts);

        RewardModelDirectory.Save(model, dir.File("model"), dir.File("tokenizer"), "scratch");
        using var loaded = RewardModelDirectory.Load(dir.File("model"), torch.CPU);

        Assert.Equal(before, loaded.Score(texts));
        Assert.Equal(model.Statistics, loaded.Statistics);
        Assert.Equal(32, loaded.Window.MaxLength);
    }

    [Fact]
    public void The_export_is_a_hugging_face_sequence_classifier_with_a_score_head_and_no_lm_head()
    {
        using var dir = new TempDirectory();
        var train = SyntheticPreferences.AppleWins(16, seed: 1);
        using var model = RewardModelFactory.Create(SyntheticPreferences.TinyConfig(dir.Path), train, dir.File("tokenizer"), torch.CPU);
        RewardModelDirectory.Save(model, dir.File("model"), dir.File("tokenizer"), "scratch");

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
        using var model = RewardModelFactory.Create(SyntheticPreferences.TinyConfig(dir.Path), train, dir.File("tokenizer"), torch.CPU);
        RewardModelDirectory.Save(model, dir.File("model"), dir.File("tokenizer"), "scratch");
        HuggingFaceCheckpoint.Save(model.Network.Trunk, dir.File("model")); // a plain causal LM over the same directory

        var error = Assert.ThrowsAny<Exception>(() => RewardModelDirectory.Load(dir.File("model"), torch.CPU));
        Assert.Contains("score.weight", error.Message);
    }
}
