using System.Text.Json;
using Preference.Models.Llama;
using Preference.Models.Loading;
using TorchSharp;
using static TorchSharp.torch;

namespace Preference.Models.Tests.Loading;

public class HuggingFaceRoundTripTests
{
    [Fact]
    public void Qwen2_with_grouped_query_attention_qkv_bias_and_untied_embeddings_round_trips_exactly()
    {
        using var dir = new TempDirectory();
        using var model = TinyModels.Llama(TinyModels.Qwen2Config);
        using var tokens = TinyModels.Tokens(37, 9);

        HuggingFaceCheckpoint.Save(model, dir.Path);
        using var reloaded = (LlamaForCausalLM)HuggingFaceCheckpoint.Load(dir.Path);

        Assert.Equal(0f, TinyModels.MaxAbsDifference(TinyModels.Logits(model, tokens), TinyModels.Logits(reloaded, tokens)));
        Assert.Equal("qwen2", reloaded.Config.ModelType);
        Assert.True(reloaded.Config.HasQkvBias);
        Assert.Equal(2, reloaded.Config.KeyValueHeads);
        using var file = SafetensorsFile.Open(dir.File("model.safetensors"));
        Assert.Contains("lm_head.weight", file.Entries.Keys);
        Assert.Contains("model.layers.1.self_attn.k_proj.bias", file.Entries.Keys);
        var config = JsonDocument.Parse(File.ReadAllText(dir.File("config.json"))).RootElement;
        Assert.Equal("Qwen2ForCausalLM", config.GetProperty("architectures")[0].GetString());
    }

    [Fact]
    public void Sharded_checkpoint_with_an_index_loads_the_same_model()
    {
        using var dir = new TempDirectory();
        using var model = TinyModels.Llama(TinyModels.Qwen2Config);
        using var tokens = TinyModels.Tokens(37, 9);
        long total = model.parameters().Sum(p => p.NumberOfElements * 4);

        HuggingFaceCheckpoint.Save(model, dir.Path, new HuggingFaceSaveOptions { MaxShardBytes = total / 2 + 1 });
        using var reloaded = HuggingFaceCheckpoint.Load(dir.Path);

        Assert.True(File.Exists(dir.File("model.safetensors.index.json")));
        Assert.False(File.Exists(dir.File("model.safetensors")));
        var shards = Directory.GetFiles(dir.Path, "model-*-of-*.safetensors").Select(Path.GetFileName).ToHashSet();
        Assert.True(shards.Count >= 2, $"{shards.Count} shards");
        var index = JsonDocument.Parse(File.ReadAllText(dir.File("model.safetensors.index.json"))).RootElement;
        Assert.Equal(shards, index.GetProperty("weight_map").EnumerateObject().Select(p => p.Value.GetString()).ToHashSet());
        Assert.Equal(total, index.GetProperty("metadata").GetProperty("total_size").GetInt64());
        Assert.Equal(0f, TinyModels.MaxAbsDifference(TinyModels.Logits(model, tokens), TinyModels.Logits(reloaded, tokens)));
    }

    [Fact]
    public void Saving_over_a_sharded_directory_as_one_file_removes_the_old_shards()
    {
        using var dir = new TempDirectory();
        using var first = TinyModels.Llama(TinyModels.Qwen2Config, seed: 1);
        using var second = TinyModels.Llama(TinyModels.Qwen2Config, seed: 2);
        using var tokens = TinyModels.Tokens(37, 5);
        HuggingFaceCheckpoint.Save(first, dir.Path, new HuggingFaceSaveOptions { MaxShardBytes = 4096 });

        HuggingFaceCheckpoint.Save(second, dir.Path);
        using var reloaded = HuggingFaceCheckpoint.Load(dir.Path);

        Assert.Empty(Directory.GetFiles(dir.Path, "model-*-of-*.safetensors"));
        Assert.False(File.Exists(dir.File("model.safetensors.index.json")));
        Assert.Equal(0f, TinyModels.MaxAbsDifference(TinyModels.Logits(second, tokens), TinyModels.Logits(reloaded, tokens)));
    }

    [Theory]
    [InlineData(ScalarType.Float16, "float16")]
    [InlineData(ScalarType.BFloat16, "bfloat16")]
    public void Half_precision_checkpoint_loads_into_float32_as_the_rounded_weights(ScalarType stored, string torchDtype)
    {
        using var dir = new TempDirectory();
        using var model = TinyModels.Llama(TinyModels.Qwen2Config);

        HuggingFaceCheckpoint.Save(model, dir.Path, new HuggingFaceSaveOptions { DType = stored });
        using var reloaded = HuggingFaceCheckpoint.Load(dir.Path);

        var config = JsonDocument.Parse(File.ReadAllText(dir.File("config.json"))).RootElement;
        Assert.Equal(torchDtype, config.GetProperty("torch_dtype").GetString());
        using var file = SafetensorsFile.Open(dir.File("model.safetensors"));
        Assert.All(file.Entries.Values, e => Assert.Equal(stored, e.DType));
        var loaded = reloaded.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, parameter) in model.named_parameters())
        {
            Assert.Equal(ScalarType.Float32, loaded[name].dtype);
            Assert.True(parameter.to(stored).to(ScalarType.Float32).eq(loaded[name]).all().item<bool>(), name);
        }
    }

    [Theory]
    [InlineData(ScalarType.Float16)]
    [InlineData(ScalarType.BFloat16)]
    public void Float32_checkpoint_loads_in_the_requested_dtype(ScalarType dtype)
    {
        using var dir = new TempDirectory();
        using var model = TinyModels.Llama(TinyModels.Qwen2Config);
        HuggingFaceCheckpoint.Save(model, dir.Path);

        using var reloaded = HuggingFaceCheckpoint.Load(dir.Path, new ModelLoadOptions { DType = dtype });

        var loaded = reloaded.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, parameter) in model.named_parameters())
        {
            Assert.Equal(dtype, loaded[name].dtype);
            Assert.True(parameter.to(dtype).eq(loaded[name]).all().item<bool>(), name);
        }
    }

    [Fact]
    public void Checkpoint_of_the_bare_backbone_without_model_prefix_loads()
    {
        using var dir = new TempDirectory();
        using var model = TinyModels.Llama(TinyModels.Qwen2Config);
        using var tokens = TinyModels.Tokens(37, 6);
        HuggingFaceCheckpoint.Save(model, dir.Path);
        RewriteWeights(dir.File("model.safetensors"), name => name.StartsWith("model.") ? name["model.".Length..] : name);

        using var reloaded = HuggingFaceCheckpoint.Load(dir.Path);

        Assert.Equal(0f, TinyModels.MaxAbsDifference(TinyModels.Logits(model, tokens), TinyModels.Logits(reloaded, tokens)));
    }

    [Fact]
    public void Rotary_inv_freq_buffers_and_a_tied_lm_head_in_the_checkpoint_are_skipped()
    {
        using var dir = new TempDirectory();
        using var model = TinyModels.Llama(TinyModels.Qwen2Config with { TieWordEmbeddings = true });
        using var tokens = TinyModels.Tokens(37, 6);
        HuggingFaceCheckpoint.Save(model, dir.Path);
        RewriteWeights(dir.File("model.safetensors"), name => name, extra: new()
        {
            ["model.layers.0.self_attn.rotary_emb.inv_freq"] = ones(2),
            ["lm_head.weight"] = zeros(37, 16), // transformers sometimes writes the tied copy; the embedding wins
        });

        using var reloaded = HuggingFaceCheckpoint.Load(dir.Path);

        Assert.Equal(0f, TinyModels.MaxAbsDifference(TinyModels.Logits(model, tokens), TinyModels.Logits(reloaded, tokens)));
    }

    /// <summary>Rewrites a safetensors file with renamed tensors (dropped where the new name is null) and extra ones.</summary>
    internal static void RewriteWeights(string path, Func<string, string?> rename, Dictionary<string, Tensor>? extra = null)
    {
        List<KeyValuePair<string, Tensor>> tensors;
        using (var file = SafetensorsFile.Open(path))
            tensors = [.. file.Entries.Keys.Where(n => rename(n) is not null).Select(n => new KeyValuePair<string, Tensor>(rename(n)!, file.Read(n)))];
        tensors.AddRange(extra ?? []);
        SafetensorsWriter.Write(path, tensors, new Dictionary<string, string> { ["format"] = "pt" });
    }
}
