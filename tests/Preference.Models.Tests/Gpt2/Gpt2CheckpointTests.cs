using System.Text.Json;
using System.Text.Json.Nodes;
using Preference.Models.Gpt2;
using Preference.Models.Loading;
using Preference.Models.Tests.Loading;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Preference.Models.Tests.Gpt2;

public class Gpt2CheckpointTests
{
    [Fact]
    public void Random_tiny_gpt2_saved_and_reloaded_gives_identical_logits()
    {
        using var dir = new TempDirectory();
        using var model = TinyModels.Gpt2(TinyModels.Gpt2Config);
        using var tokens = TinyModels.Tokens(29, 12);

        HuggingFaceCheckpoint.Save(model, dir.Path);
        var loaded = ModelLoader.Load(dir.Path);
        using var reloaded = loaded.Model;

        Assert.IsType<Gpt2LMHeadModel>(reloaded);
        Assert.Equal(0f, TinyModels.MaxAbsDifference(TinyModels.Logits(model, tokens), TinyModels.Logits(reloaded, tokens)));
    }

    [Fact]
    public void Saved_checkpoint_has_transformers_names_and_conv1d_layout()
    {
        using var dir = new TempDirectory();
        using var model = TinyModels.Gpt2(TinyModels.Gpt2Config);
        HuggingFaceCheckpoint.Save(model, dir.Path);

        using var file = SafetensorsFile.Open(dir.File("model.safetensors"));
        Assert.Equal([8L, 24L], file.Entries["transformer.h.0.attn.c_attn.weight"].Shape);  // [in, 3·out]
        Assert.Equal([8L, 32L], file.Entries["transformer.h.1.mlp.c_fc.weight"].Shape);
        Assert.Equal([32L, 8L], file.Entries["transformer.h.1.mlp.c_proj.weight"].Shape);
        Assert.Equal([16L, 8L], file.Entries["transformer.wpe.weight"].Shape);
        Assert.DoesNotContain("lm_head.weight", file.Entries.Keys);
        Assert.DoesNotContain(file.Entries.Keys, n => n.EndsWith("attn.bias") && !n.Contains("c_"));

        var config = JsonDocument.Parse(File.ReadAllText(dir.File("config.json"))).RootElement;
        Assert.Equal("GPT2LMHeadModel", config.GetProperty("architectures")[0].GetString());
        Assert.Equal("gelu_new", config.GetProperty("activation_function").GetString());
        Assert.Equal(8, config.GetProperty("n_embd").GetInt32());
        Assert.Equal(16, config.GetProperty("n_positions").GetInt32());
        var generation = JsonDocument.Parse(File.ReadAllText(dir.File("generation_config.json"))).RootElement;
        Assert.Equal(0, generation.GetProperty("eos_token_id").GetInt32());
    }

    [Fact]
    public void Hub_style_checkpoint_without_prefix_and_with_mask_buffers_loads()
    {
        using var dir = new TempDirectory();
        using var model = TinyModels.Gpt2(TinyModels.Gpt2Config);
        using var tokens = TinyModels.Tokens(29, 7);
        HuggingFaceCheckpoint.Save(model, dir.Path);
        // As the original openai-community/gpt2 files: bare GPT2Model names plus the causal-mask buffers.
        HuggingFaceRoundTripTests.RewriteWeights(dir.File("model.safetensors"), n => n["transformer.".Length..], new()
        {
            ["h.0.attn.bias"] = ones(1, 1, 16, 16).tril(),
            ["h.0.attn.masked_bias"] = tensor(-1e4f),
            ["h.1.attn.bias"] = ones(1, 1, 16, 16).tril(),
        });

        using var reloaded = HuggingFaceCheckpoint.Load(dir.Path);

        Assert.Equal(0f, TinyModels.MaxAbsDifference(TinyModels.Logits(model, tokens), TinyModels.Logits(reloaded, tokens)));
    }

    [Fact]
    public void Untied_output_projection_round_trips()
    {
        using var dir = new TempDirectory();
        using var model = TinyModels.Gpt2(TinyModels.Gpt2Config with { TieWordEmbeddings = false });
        using var tokens = TinyModels.Tokens(29, 7);
        HuggingFaceCheckpoint.Save(model, dir.Path);

        using var reloaded = HuggingFaceCheckpoint.Load(dir.Path);

        using var file = SafetensorsFile.Open(dir.File("model.safetensors"));
        Assert.Equal([29L, 8L], file.Entries["lm_head.weight"].Shape);
        Assert.Equal(0f, TinyModels.MaxAbsDifference(TinyModels.Logits(model, tokens), TinyModels.Logits(reloaded, tokens)));
    }

    [Fact]
    public void Loads_and_runs_in_bfloat16_close_to_float32()
    {
        using var dir = new TempDirectory();
        using var model = TinyModels.Gpt2(TinyModels.Gpt2Config);
        using var tokens = TinyModels.Tokens(29, 7);
        HuggingFaceCheckpoint.Save(model, dir.Path);

        using var reloaded = HuggingFaceCheckpoint.Load(dir.Path, new ModelLoadOptions { DType = ScalarType.BFloat16 });

        Assert.Equal(ScalarType.BFloat16, reloaded.DType);
        var difference = TinyModels.MaxAbsDifference(TinyModels.Logits(model, tokens), TinyModels.Logits(reloaded, tokens));
        Assert.True(difference < 0.1, $"max |difference| {difference}");
    }

    [Fact]
    public void Conv1d_weights_are_transposed_so_the_layer_computes_x_times_the_stored_matrix()
    {
        using var dir = new TempDirectory();
        var config = TinyModels.Gpt2Config with { NLayer = 1 };
        using (var model = TinyModels.Gpt2(config)) HuggingFaceCheckpoint.Save(model, dir.Path);
        // c_fc as HF stores it: [in = 8, out = 32], entry (i, o) = i - o / 10, bias o / 100.
        var stored = new float[8, 32];
        var bias = new float[32];
        for (int i = 0; i < 8; i++) for (int o = 0; o < 32; o++) stored[i, o] = i - o / 10f;
        for (int o = 0; o < 32; o++) bias[o] = o / 100f;
        HuggingFaceRoundTripTests.RewriteWeights(dir.File("model.safetensors"), n => n.StartsWith("transformer.h.0.mlp.c_fc.") ? null : n, new()
        {
            ["transformer.h.0.mlp.c_fc.weight"] = tensor(stored.Cast<float>().ToArray(), [8, 32]),
            ["transformer.h.0.mlp.c_fc.bias"] = tensor(bias),
        });

        using var reloaded = HuggingFaceCheckpoint.Load(dir.Path);
        var c_fc = (Linear)reloaded.named_modules().Single(m => m.name == "transformer.h.0.mlp.c_fc").module;
        float[] x = [0.5f, -1, 2, 0, 1.5f, -0.25f, 3, 1];
        using var noGrad = no_grad();
        var y = c_fc.forward(tensor(x).unsqueeze(0))[0].data<float>().ToArray();

        for (int o = 0; o < 32; o++)
        {
            double expected = bias[o];
            for (int i = 0; i < 8; i++) expected += x[i] * stored[i, o];
            Assert.True(Math.Abs(expected - y[o]) < 1e-4, $"output {o}: expected {expected}, got {y[o]}");
        }
        HuggingFaceCheckpoint.Save(reloaded, dir.Path);
        using var file = SafetensorsFile.Open(dir.File("model.safetensors"));
        Assert.Equal(stored.Cast<float>(), file.Read("transformer.h.0.mlp.c_fc.weight").data<float>().ToArray());
    }

    [Theory]
    [InlineData("activation_function", "\"swiglu\"", "'activation_function' 'swiglu' is not supported")]
    [InlineData("n_head", "3", "'n_head' must be positive and divide n_embd")]
    [InlineData("n_embd", "\"wide\"", "malformed JSON at $.n_embd")]
    public void Bad_config_field_is_refused_naming_config_json_and_the_field(string field, string value, string problem)
    {
        using var dir = new TempDirectory();
        using (var model = TinyModels.Gpt2(TinyModels.Gpt2Config)) HuggingFaceCheckpoint.Save(model, dir.Path);
        var config = JsonNode.Parse(File.ReadAllText(dir.File("config.json")))!.AsObject();
        config[field] = JsonNode.Parse(value);
        File.WriteAllText(dir.File("config.json"), config.ToJsonString());

        var error = Assert.Throws<ModelFormatException>(() => HuggingFaceCheckpoint.Load(dir.Path));

        Assert.Equal(dir.File("config.json"), error.Path);
        Assert.Contains(problem, error.Message);
    }
}
