using System.Text.Json.Nodes;
using Preference.Models.Llama;
using Preference.Models.Loading;

namespace Preference.Models.Tests.Loading;

/// <summary>transformers ≥ 5 writes rope_theta and rope scaling inside one <c>rope_parameters</c> block.</summary>
public class RopeParametersConfigTests
{
    static readonly LlamaConfig Llama3Scaled = TinyModels.Qwen2Config with
    {
        ModelType = "llama",
        RopeTheta = 500_000,
        RopeScaling = new RopeScaling { RopeType = "llama3", Factor = 8, OriginalMaxPositionEmbeddings = 16 },
    };

    [Fact]
    public void A_transformers_5_config_keeps_its_rope_theta_and_scaling()
    {
        using var dir = new TempDirectory();
        using var model = TinyModels.Llama(Llama3Scaled);
        using var tokens = TinyModels.Tokens(37, 30);
        HuggingFaceCheckpoint.Save(model, dir.Path);
        RewriteAsTransformers5(dir.File("config.json"));

        using var reloaded = (LlamaForCausalLM)HuggingFaceCheckpoint.Load(dir.Path);

        Assert.Equal(500_000, reloaded.Config.RopeTheta);
        Assert.Equal("llama3", reloaded.Config.RopeScaling?.Kind);
        Assert.Equal(0f, TinyModels.MaxAbsDifference(TinyModels.Logits(model, tokens), TinyModels.Logits(reloaded, tokens)));
    }

    [Fact]
    public void Default_rope_parameters_mean_no_scaling()
    {
        var config = (TinyModels.Qwen2Config with
        {
            RopeTheta = 10_000,
            RopeParameters = new RopeScaling { RopeType = "default", RopeTheta = 1_000_000 },
        }).WithRopeParametersResolved();

        Assert.Equal(1_000_000, config.RopeTheta);
        Assert.Null(config.RopeScaling);
        Assert.Null(config.RopeParameters);
    }

    static void RewriteAsTransformers5(string configPath)
    {
        var config = JsonNode.Parse(File.ReadAllText(configPath))!.AsObject();
        var parameters = config["rope_scaling"]!.DeepClone().AsObject();
        parameters["rope_theta"] = config["rope_theta"]!.DeepClone();
        config.Remove("rope_scaling");
        config.Remove("rope_theta");
        config["rope_parameters"] = parameters;
        File.WriteAllText(configPath, config.ToJsonString());
    }
}
