using System.Text.Json.Nodes;
using Preference.Models.Loading;

namespace Preference.Models.Tests.Loading;

/// <summary>Every broken directory is refused with the file and the problem named.</summary>
public class HuggingFaceCheckpointErrorTests
{
    static TempDirectory SavedQwen2()
    {
        var dir = new TempDirectory();
        using var model = TinyModels.Llama(TinyModels.Qwen2Config);
        HuggingFaceCheckpoint.Save(model, dir.Path);
        return dir;
    }

    static void EditConfig(TempDirectory dir, Action<JsonObject> edit)
    {
        var config = JsonNode.Parse(File.ReadAllText(dir.File("config.json")))!.AsObject();
        edit(config);
        File.WriteAllText(dir.File("config.json"), config.ToJsonString());
    }

    static ModelFormatException LoadFails(TempDirectory dir) =>
        Assert.Throws<ModelFormatException>(() => HuggingFaceCheckpoint.Load(dir.Path));

    [Fact]
    public void Malformed_config_json_is_refused_naming_config_json()
    {
        using var dir = SavedQwen2();
        File.WriteAllText(dir.File("config.json"), """{"model_type": "qwen2", "hidden_size": 16,""");
        var error = LoadFails(dir);
        Assert.Equal(dir.File("config.json"), error.Path);
        Assert.Contains("malformed JSON", error.Message);
    }

    [Fact]
    public void Config_without_a_required_field_is_refused_naming_the_field()
    {
        using var dir = SavedQwen2();
        EditConfig(dir, c => c.Remove("hidden_size"));
        var error = LoadFails(dir);
        Assert.Equal(dir.File("config.json"), error.Path);
        Assert.Contains("hidden_size", error.Message);
    }

    [Fact]
    public void Config_with_an_impossible_value_is_refused_naming_the_field()
    {
        using var dir = SavedQwen2();
        EditConfig(dir, c => c["num_key_value_heads"] = 3);
        var error = LoadFails(dir);
        Assert.Equal(dir.File("config.json"), error.Path);
        Assert.Contains("'num_key_value_heads' must divide num_attention_heads", error.Message);
    }

    [Fact]
    public void Unsupported_model_type_is_refused_listing_the_supported_ones()
    {
        using var dir = SavedQwen2();
        EditConfig(dir, c => c["model_type"] = "bert");
        var error = LoadFails(dir);
        Assert.Contains("'model_type' 'bert' is not supported (llama, mistral, qwen2, gpt2)", error.Message);
    }

    [Fact]
    public void Missing_weight_is_refused_naming_the_weight_and_the_file()
    {
        using var dir = SavedQwen2();
        var path = dir.File("model.safetensors");
        HuggingFaceRoundTripTests.RewriteWeights(path, n => n == "model.layers.1.mlp.up_proj.weight" ? null : n);
        var error = LoadFails(dir);
        Assert.Equal(path, error.Path);
        Assert.Contains("weight 'model.layers.1.mlp.up_proj.weight' is missing", error.Message);
    }

    [Fact]
    public void Weight_the_config_has_no_place_for_is_refused_naming_it()
    {
        using var dir = SavedQwen2();
        var path = dir.File("model.safetensors");
        HuggingFaceRoundTripTests.RewriteWeights(path, n => n == "model.layers.1.mlp.up_proj.weight" ? "model.layers.1.mlp.up_proj.renamed" : n);
        var error = LoadFails(dir);
        Assert.Equal(path, error.Path);
        Assert.Contains("weight 'model.layers.1.mlp.up_proj.renamed' has no place in a 'qwen2' model", error.Message);
    }

    [Fact]
    public void Weight_of_the_wrong_shape_is_refused_naming_both_shapes()
    {
        using var dir = SavedQwen2();
        EditConfig(dir, c => c["intermediate_size"] = 20);
        var error = LoadFails(dir);
        Assert.Equal(dir.File("model.safetensors"), error.Path);
        Assert.Contains("weight 'model.layers.0.mlp.gate_proj.weight' has shape [24, 16], config.json implies [20, 16]", error.Message);
    }

    [Fact]
    public void Truncated_safetensors_is_refused_naming_the_file()
    {
        using var dir = SavedQwen2();
        var path = dir.File("model.safetensors");
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var error = LoadFails(dir);
        Assert.Equal(path, error.Path);
        Assert.Contains("truncated", error.Message);
    }

    [Fact]
    public void Index_naming_a_shard_that_does_not_exist_is_refused()
    {
        using var dir = SavedQwen2();
        File.Move(dir.File("model.safetensors"), dir.File("model-00001-of-00002.safetensors"));
        File.WriteAllText(dir.File("model.safetensors.index.json"), """
            {"metadata": {}, "weight_map": {"model.norm.weight": "model-00001-of-00002.safetensors", "lm_head.weight": "model-00002-of-00002.safetensors"}}
            """);
        var error = LoadFails(dir);
        Assert.Equal(dir.File("model.safetensors.index.json"), error.Path);
        Assert.Contains("shard 'model-00002-of-00002.safetensors' named in weight_map does not exist", error.Message);
    }

    [Fact]
    public void Index_pointing_outside_the_directory_is_refused()
    {
        using var dir = SavedQwen2();
        File.WriteAllText(dir.File("model.safetensors.index.json"), """{"weight_map": {"model.norm.weight": "../elsewhere.safetensors"}}""");
        var error = LoadFails(dir);
        Assert.Contains("not a file beside the index", error.Message);
    }

    [Fact]
    public void Directory_with_only_pickled_weights_is_refused_with_the_way_to_convert()
    {
        using var dir = SavedQwen2();
        File.Move(dir.File("model.safetensors"), dir.File("pytorch_model.bin"));
        var error = LoadFails(dir);
        Assert.Equal(dir.File("pytorch_model.bin"), error.Path);
        Assert.Contains("safe_serialization=True", error.Message);
    }

    [Fact]
    public void A_failed_load_leaves_the_directory_untouched()
    {
        using var dir = SavedQwen2();
        EditConfig(dir, c => c["intermediate_size"] = 20);
        var before = Directory.GetFiles(dir.Path).ToDictionary(f => f, File.ReadAllBytes);

        LoadFails(dir);

        Assert.Equal(before.Keys.Order(), Directory.GetFiles(dir.Path).Order());
        Assert.All(before, f => Assert.Equal(f.Value, File.ReadAllBytes(f.Key)));
    }
}
