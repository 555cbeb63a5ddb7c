using System.Runtime.InteropServices;
using Preference.Models.Llama;
using static TorchSharp.torch;

namespace Preference.Models.Loading;

/// <summary>
/// llama2.c's legacy <c>.bin</c>: seven int32 (dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size, seq_len;
/// a negative vocab_size means an untied classifier), then fp32 weights stacked per kind across layers.
/// </summary>
public static class Llama2cCheckpoint
{
    const int HeaderBytes = 7 * sizeof(int);

    public static LlamaForCausalLM Load(string path)
    {
        if (!File.Exists(path)) throw new ModelFormatException(path, "file not found");
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < HeaderBytes) throw new ModelFormatException(path, "too short for a llama2.c header");
        var header = MemoryMarshal.Cast<byte, int>(bytes.AsSpan(0, HeaderBytes));
        var config = ConfigFrom(header, path);
        var floats = MemoryMarshal.Cast<byte, float>(bytes.AsSpan(HeaderBytes)).ToArray();

        var weights = ReadWeights(floats, config, path);
        var model = new LlamaForCausalLM(config);
        WeightAssigner.Assign(model, weights, path);
        foreach (var t in weights.Values) t.Dispose();
        return model;
    }

    static LlamaConfig ConfigFrom(ReadOnlySpan<int> h, string path)
    {
        int dim = h[0], hidden = h[1], layers = h[2], heads = h[3], kvHeads = h[4], vocab = h[5], seqLen = h[6];
        if (dim <= 0 || hidden <= 0 || layers <= 0 || heads <= 0 || kvHeads <= 0 || vocab == 0 || seqLen <= 0 || layers > 1024)
            throw new ModelFormatException(path, $"not a llama2.c checkpoint (header {string.Join(", ", h.ToArray())})");
        var config = new LlamaConfig
        {
            VocabSize = Math.Abs(vocab),
            HiddenSize = dim,
            IntermediateSize = hidden,
            NumHiddenLayers = layers,
            NumAttentionHeads = heads,
            NumKeyValueHeads = kvHeads,
            MaxPositionEmbeddings = seqLen,
            RmsNormEps = 1e-5,
            RopeTheta = 10000.0,
            TieWordEmbeddings = vocab > 0,
            RopeInterleaved = true,
            BosTokenId = 1,
            TorchDtype = "float32",
        };
        config.Validate(path);
        return config;
    }

    static Dictionary<string, Tensor> ReadWeights(float[] data, LlamaConfig c, string path)
    {
        int dim = c.HiddenSize, hidden = c.IntermediateSize, layers = c.NumHiddenLayers;
        int kvDim = c.KeyValueHeads * c.HeadDim;
        long expected = (long)c.VocabSize * dim + layers * (2L * dim + 2L * dim * dim + 2L * dim * kvDim + 3L * dim * hidden)
                        + dim + (long)c.MaxPositionEmbeddings * c.HeadDim + (c.TieWordEmbeddings ? 0 : (long)c.VocabSize * dim);
        if (data.Length != expected)
            throw new ModelFormatException(path, $"holds {data.Length} weights, the header implies {expected}");

        var weights = new Dictionary<string, Tensor>();
        int offset = 0;
        Tensor Take(params long[] shape)
        {
            long count = shape.Aggregate(1L, (a, b) => a * b);
            var t = tensor(data.AsSpan(offset, (int)count).ToArray(), shape);
            offset += (int)count;
            return t;
        }
        void PerLayer(string name, params long[] shape)
        {
            for (int i = 0; i < layers; i++) weights[$"model.layers.{i}.{name}"] = Take(shape);
        }

        weights["model.embed_tokens.weight"] = Take(c.VocabSize, dim);
        PerLayer("input_layernorm.weight", dim);
        PerLayer("self_attn.q_proj.weight", dim, dim);
        PerLayer("self_attn.k_proj.weight", kvDim, dim);
        PerLayer("self_attn.v_proj.weight", kvDim, dim);
        PerLayer("self_attn.o_proj.weight", dim, dim);
        PerLayer("post_attention_layernorm.weight", dim);
        PerLayer("mlp.gate_proj.weight", hidden, dim);
        PerLayer("mlp.down_proj.weight", dim, hidden);
        PerLayer("mlp.up_proj.weight", hidden, dim);
        weights["model.norm.weight"] = Take(dim);
        offset += c.MaxPositionEmbeddings * c.HeadDim; // precomputed RoPE tables (real, imaginary): we compute our own
        if (!c.TieWordEmbeddings) weights["lm_head.weight"] = Take(c.VocabSize, dim);
        return weights;
    }
}
