using System.Text.Json;
using Preference.Models.Loading;
using TorchSharp;
using static TorchSharp.torch;

namespace Preference.Models.Tests.Loading;

/// <summary>llama2.c's stories260K converted to a Hugging Face directory computes the same function.</summary>
public class Stories260KConversionTests
{
    static (CausalLanguageModel Original, CausalLanguageModel Reloaded, TempDirectory Dir) Convert()
    {
        var original = Llama2cCheckpoint.Load(Stories260K.Model);
        original.eval();
        var dir = new TempDirectory();
        HuggingFaceCheckpoint.Save(original, dir.Path);
        var reloaded = ModelLoader.Load(dir.Path).Model;
        return (original, reloaded, dir);
    }

    static long[] ReferencePrompt => [1, .. Stories260K.ReferenceGreedyTokens.Take(40).Select(t => (long)t)];

    [Fact]
    public void Converted_model_gives_the_same_logits_within_1e5()
    {
        var (original, reloaded, dir) = Convert();
        using var _ = dir;
        using var tokens = tensor(ReferencePrompt).unsqueeze(0);

        var difference = TinyModels.MaxAbsDifference(TinyModels.Logits(original, tokens), TinyModels.Logits(reloaded, tokens));

        // Half-split rotation sums in another order than adjacent pairs: float32 rounding over 41 positions of logits
        // up to ~19 (a few ulps). The float64 test below shows the functions are the same.
        Assert.True(difference < 5e-5, $"max |difference| {difference}");
    }

    [Fact]
    public void Converted_model_computes_the_same_function_in_float64_within_1e9()
    {
        var (original, reloaded, dir) = Convert();
        using var _ = dir;
        original.to(ScalarType.Float64);
        reloaded.to(ScalarType.Float64);
        using var tokens = tensor(ReferencePrompt).unsqueeze(0);

        var difference = TinyModels.MaxAbsDifference(TinyModels.Logits(original, tokens), TinyModels.Logits(reloaded, tokens));

        Assert.True(difference < 1e-9, $"max |difference| {difference}");
    }

    [Fact]
    public void Converted_model_decodes_llama2c_greedy_tokens_exactly()
    {
        var (original, reloaded, dir) = Convert();
        using var _ = dir;
        var expected = Stories260K.ReferenceGreedyTokens.Take(24).ToArray();

        Assert.Equal(expected, Greedy(original, expected.Length));
        Assert.Equal(expected, Greedy(reloaded, expected.Length));
    }

    static int[] Greedy(CausalLanguageModel model, int steps)
    {
        using var noGrad = no_grad();
        var sequence = new List<long> { 1 };
        for (int i = 0; i < steps; i++)
        {
            using var scope = NewDisposeScope();
            var logits = model.Forward(tensor(sequence.ToArray()).unsqueeze(0));
            sequence.Add(logits[0, -1].argmax().item<long>());
        }
        return [.. sequence.Skip(1).Select(t => (int)t)];
    }

    [Fact]
    public void Saved_config_uses_transformers_field_names_and_no_rope_interleaved()
    {
        var (_, _, dir) = Convert();
        using var __ = dir;
        var config = JsonDocument.Parse(File.ReadAllText(dir.File("config.json"))).RootElement;

        Assert.False(config.TryGetProperty("rope_interleaved", out var _));
        Assert.Equal("LlamaForCausalLM", config.GetProperty("architectures")[0].GetString());
        Assert.Equal("llama", config.GetProperty("model_type").GetString());
        Assert.Equal("float32", config.GetProperty("torch_dtype").GetString());
        Assert.Equal(64, config.GetProperty("hidden_size").GetInt32());
        Assert.Equal(172, config.GetProperty("intermediate_size").GetInt32());
        Assert.Equal(5, config.GetProperty("num_hidden_layers").GetInt32());
        Assert.Equal(8, config.GetProperty("num_attention_heads").GetInt32());
        Assert.Equal(4, config.GetProperty("num_key_value_heads").GetInt32());
        Assert.Equal(512, config.GetProperty("vocab_size").GetInt32());
        Assert.Equal(512, config.GetProperty("max_position_embeddings").GetInt32());
        Assert.Equal(1e-5, config.GetProperty("rms_norm_eps").GetDouble());
        Assert.True(config.GetProperty("tie_word_embeddings").GetBoolean());

        var generation = JsonDocument.Parse(File.ReadAllText(dir.File("generation_config.json"))).RootElement;
        Assert.Equal(1, generation.GetProperty("bos_token_id").GetInt32());
        Assert.Equal(2, generation.GetProperty("eos_token_id").GetInt32());
    }

    [Fact]
    public void Tied_output_embedding_is_written_once_as_transformers_does()
    {
        var (_, _, dir) = Convert();
        using var __ = dir;
        using var file = SafetensorsFile.Open(dir.File("model.safetensors"));

        Assert.DoesNotContain("lm_head.weight", file.Entries.Keys);
        Assert.Contains("model.embed_tokens.weight", file.Entries.Keys);
        Assert.All(file.Entries.Keys, name => Assert.StartsWith("model.", name));
        Assert.Equal("pt", file.Metadata["format"]);
    }

    [Fact]
    public void Half_split_permutation_moves_each_heads_odd_rows_to_its_second_half()
    {
        // Two heads of dimension 4, one column holding the row index: adjacent pairs (0,1),(2,3) become halves.
        using var rows = arange(8f).unsqueeze(1);
        using var permuted = HuggingFaceLlama.ToHalfSplit(rows, heads: 2, headDim: 4);
        Assert.Equal([0f, 2, 1, 3, 4, 6, 5, 7], permuted.flatten().data<float>().ToArray());
    }
}
