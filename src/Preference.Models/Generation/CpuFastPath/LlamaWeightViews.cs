using Preference.Models.Llama;
using TorchSharp;
using static TorchSharp.torch;

namespace Preference.Models.Generation.CpuFastPath;

/// <summary>
/// Every weight of a LLaMA model as an address into its own CPU tensor memory, looked up by the Hugging Face parameter
/// names, taken at the start of each generation so a weight update between calls (PPO) is always seen. Nothing is
/// copied unless a tensor is not contiguous; such copies live as long as this object.
/// </summary>
internal sealed unsafe class LlamaWeightViews : IDisposable
{
    readonly List<Tensor> _copies = [];

    public LlamaWeightViews(LlamaForCausalLM model)
    {
        var c = model.Config;
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);
        var rotary = model.modules().OfType<RotaryEmbedding>().Single();
        var (cos, sin) = rotary.TablesOn(CPU);
        var buffers = new Dictionary<string, Tensor> { ["cos"] = cos, ["sin"] = sin };
        long dim = c.HiddenSize, q = (long)c.NumAttentionHeads * c.HeadDim, kv = (long)c.KeyValueHeads * c.HeadDim;

        float* Weight(string name, params long[] shape) => Address(parameters, name, shape);
        float* Bias(string name, long size) => c.HasQkvBias ? Weight(name, size) : null;

        Embedding = Weight("model.embed_tokens.weight", c.VocabSize, dim);
        FinalNorm = Weight("model.norm.weight", dim);
        LanguageModelHead = c.TieWordEmbeddings ? Embedding : Weight("lm_head.weight", c.VocabSize, dim);
        Cos = Address(buffers, "cos", c.MaxPositionEmbeddings, c.HeadDim / 2);
        Sin = Address(buffers, "sin", c.MaxPositionEmbeddings, c.HeadDim / 2);
        Layers = new LayerWeights[c.NumHiddenLayers];
        for (int i = 0; i < c.NumHiddenLayers; i++)
        {
            string p = $"model.layers.{i}.";
            Layers[i] = new LayerWeights
            {
                InputNorm = Weight(p + "input_layernorm.weight", dim),
                Query = Weight(p + "self_attn.q_proj.weight", q, dim),
                Key = Weight(p + "self_attn.k_proj.weight", kv, dim),
                Value = Weight(p + "self_attn.v_proj.weight", kv, dim),
                QueryBias = Bias(p + "self_attn.q_proj.bias", q),
                KeyBias = Bias(p + "self_attn.k_proj.bias", kv),
                ValueBias = Bias(p + "self_attn.v_proj.bias", kv),
                Output = Weight(p + "self_attn.o_proj.weight", dim, q),
                PostAttentionNorm = Weight(p + "post_attention_layernorm.weight", dim),
                Gate = Weight(p + "mlp.gate_proj.weight", c.IntermediateSize, dim),
                Up = Weight(p + "mlp.up_proj.weight", c.IntermediateSize, dim),
                Down = Weight(p + "mlp.down_proj.weight", dim, c.IntermediateSize),
            };
        }
    }

    public float* Embedding { get; }
    public float* FinalNorm { get; }
    public float* LanguageModelHead { get; }
    /// <summary>[maxPositions, headDim/2] rotary tables, the model's own (scaling already applied).</summary>
    public float* Cos { get; }
    public float* Sin { get; }
    public LayerWeights[] Layers { get; }

    float* Address(Dictionary<string, Tensor> tensors, string name, params long[] shape)
    {
        if (!tensors.TryGetValue(name, out var tensor))
            throw new InvalidOperationException($"the model has no tensor '{name}' that the fused decoder expects");
        if (!tensor.shape.SequenceEqual(shape))
            throw new InvalidOperationException($"'{name}' is [{string.Join(", ", tensor.shape)}], the fused decoder expects [{string.Join(", ", shape)}]");
        if (!tensor.is_contiguous())
        {
            tensor = tensor.detach().contiguous().DetachFromDisposeScope();
            _copies.Add(tensor);
        }
        // The span is over libtorch's own buffer, which does not move while the tensor lives.
        fixed (byte* data = tensor.bytes) return (float*)data;
    }

    public void Dispose()
    {
        foreach (var copy in _copies) copy.Dispose();
    }
}
