using System.Text.Json.Nodes;
using Preference.Models;
using Preference.Models.Decoding;
using Preference.Models.Loading;
using Preference.Training.Reward.Export;
using Preference.Training.Reward.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Preference.Training.Tests.Reward;

/// <summary>
/// Reward models in transformers' LlamaForSequenceClassification layout: one written by TRL or OpenRLHF is scored as
/// transformers scores it, and ours is written so AutoModelForSequenceClassification computes our score.
/// </summary>
public class SequenceClassifierRewardModelTests
{
    static readonly (string, string)[] Inputs =
    [
        ("\n\nHuman: Tell me a story.\n\nAssistant:", " Once upon a time, there was a little dog named Max."),
        ("Lily saw a cat.", " She smiled."),
    ];

    /// <summary>
    /// What TRL's RewardTrainer saves, built by hand from the bundled model: the trunk under transformers' names, a
    /// random score.weight, and a config.json naming the classifier with pad_token_id.
    /// </summary>
    static float[] WriteForeignClassifier(string directory, int padTokenId)
    {
        using var bundle = ModelBundle.Load(null, CPU);
        HuggingFaceCheckpoint.Save(bundle.Model, bundle.Tokenizer, directory);
        torch.manual_seed(5);
        var score = randn(1, bundle.Model.Shape.HiddenSize);
        using (var scope = NewDisposeScope())
        {
            var tensors = new List<KeyValuePair<string, Tensor>>();
            using (var saved = SafetensorsCheckpoint.Open(directory))
                foreach (var name in saved.Names.Where(n => n != "lm_head.weight"))
                    tensors.Add(new(name, saved.Read(name)));
            tensors.Add(new("score.weight", score));
            SafetensorsWriter.Write(Path.Combine(directory, "model.safetensors"), tensors, new Dictionary<string, string> { ["format"] = "pt" });
        }
        var configPath = Path.Combine(directory, "config.json");
        var config = JsonNode.Parse(File.ReadAllText(configPath))!.AsObject();
        config["architectures"] = new JsonArray("LlamaForSequenceClassification");
        config["num_labels"] = 1;
        config["pad_token_id"] = padTokenId;
        File.WriteAllText(configPath, config.ToJsonString());
        return score.data<float>().ToArray();
    }

    /// <summary>transformers' rule by hand: hidden state of the last token that is not the pad, dotted with score.weight.</summary>
    static float HandScore(CausalLanguageModel trunk, int[] ids, int pad, float[] score)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        int last = Array.FindLastIndex(ids, id => id != pad);
        var input = tensor(ids.Select(i => (long)i).ToArray()).unsqueeze(0);
        var hidden = trunk.HiddenStates(input, DecoderContext.Causal(1, ids.Length, CPU))[0, last];
        return hidden.dot(tensor(score)).item<float>();
    }

    [Theory]
    [InlineData(2)] // TRL's default when the tokenizer has no pad: EOS, so the score is read just before the EOS
    [InlineData(0)] // a pad that never occurs in text: the score is read at the EOS
    public void A_sequence_classifier_without_reward_model_json_is_scored_at_the_last_token_that_is_not_the_pad(int pad)
    {
        using var dir = new TempDirectory();
        var score = WriteForeignClassifier(dir.File("rm"), pad);

        using var loaded = RewardModelDirectory.Load(dir.File("rm"), CPU);
        // One batch of two lengths: padding must not move the score. Score runs the fused CPU forward, which agrees with
        // the torch forward within 1e-4 (summation order); reading the wrong position would be off by far more.
        var scores = loaded.Score(Inputs);

        for (int i = 0; i < Inputs.Length; i++)
        {
            var ids = loaded.Window.Encode(Inputs[i].Item1, Inputs[i].Item2).Ids;
            Assert.Equal(2, ids[^1]);
            Assert.Equal(HandScore(loaded.Network.Trunk, ids, pad, score), scores[i], 1e-4);
        }
        Assert.Null(loaded.Statistics);
    }

    [Fact]
    public void A_classifier_with_several_labels_is_refused_naming_num_labels()
    {
        using var dir = new TempDirectory();
        WriteForeignClassifier(dir.File("rm"), 0);
        var configPath = dir.File("rm/config.json");
        var config = JsonNode.Parse(File.ReadAllText(configPath))!.AsObject();
        config["num_labels"] = 2;
        File.WriteAllText(configPath, config.ToJsonString());

        var error = Assert.Throws<ModelFormatException>(() => RewardModelDirectory.Load(dir.File("rm"), CPU));
        Assert.Contains("'num_labels' is 2", error.Message);
    }

    [Fact]
    public void Our_export_is_a_llama_sequence_classifier_with_a_pad_that_transformers_scores_identically()
    {
        using var dir = new TempDirectory();
        var bundle = ModelBundle.Load(null, CPU); // the reward model owns (and disposes) its trunk
        torch.manual_seed(9);
        using var model = new RewardModel(new RewardNetwork(bundle.Model, RewardPooling.Last), new TokenWindow(bundle.Tokenizer, 64));
        var before = model.Score(Inputs);

        RewardModelDirectory.Save(model, dir.File("rm"), "bundled");

        var config = JsonNode.Parse(File.ReadAllText(dir.File("rm/config.json")))!;
        Assert.Equal("LlamaForSequenceClassification", config["architectures"]![0]!.GetValue<string>());
        Assert.Equal(1, config["num_labels"]!.GetValue<int>());
        Assert.Equal(0, config["pad_token_id"]!.GetValue<int>());
        using (var weights = SafetensorsCheckpoint.Open(dir.File("rm")))
        {
            Assert.Equal([1L, 64L], weights.Entry("score.weight").Shape);
            Assert.DoesNotContain("lm_head.weight", weights.Names);
        }
        Assert.True(File.Exists(dir.File("rm/tokenizer.json")));
        Assert.Contains("AutoModelForSequenceClassification", File.ReadAllText(dir.File("rm/README.md")));

        // The export stores q/k rows in transformers' rotary order, so sums run in another order: fp32 rounding only.
        using (var ours = RewardModelDirectory.Load(dir.File("rm"), CPU))
        {
            var reloaded = ours.Score(Inputs);
            for (int i = 0; i < Inputs.Length; i++) Assert.Equal(before[i], reloaded[i], 1e-5);
        }
        // Read as transformers reads it (no reward_model.json: the last token that is not pad_token_id), the same scores.
        File.Delete(dir.File("rm/reward_model.json"));
        using var asTransformers = RewardModelDirectory.Load(dir.File("rm"), CPU);
        var foreign = asTransformers.Score(Inputs);
        for (int i = 0; i < Inputs.Length; i++) Assert.Equal(before[i], foreign[i], 1e-5);
    }
}
