using Preference.Models.Decoding;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Preference.Models.Llama;

// The LLaMA family (LLaMA 1-3, Mistral, Qwen2, TinyLlama, llama2.c stories), read top to bottom like nanoGPT:
// RmsNorm, Attention, Mlp, DecoderLayer, LlamaBackbone, LlamaForCausalLM. Module and parameter names are Hugging
// Face's (model.layers.N.self_attn.q_proj.weight), so checkpoints load without a mapping.

public sealed class RmsNorm : nn.Module<Tensor, Tensor>
{
    readonly Parameter weight;
    readonly Scalar _eps; // created once: a double converted per call would allocate a native Scalar every time

    public RmsNorm(long size, double eps) : base(nameof(RmsNorm))
    {
        weight = nn.Parameter(ones(size));
        _eps = eps.ToScalar();
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        // Statistics in fp32 even for half-precision weights, as the reference implementations do.
        var x32 = x.dtype == ScalarType.Float32 ? x : x.to(ScalarType.Float32);
        var normed = x32 * x32.square().mean([-1L], keepdim: true).add_(_eps).rsqrt_();
        return weight * (x.dtype == ScalarType.Float32 ? normed : normed.to(x.dtype));
    }
}

public sealed class Attention : nn.Module
{
    // Typed as the projection contract, not Linear, so LoRA can wrap them in place (Preference.Models.Lora).
    readonly nn.Module<Tensor, Tensor> q_proj, k_proj, v_proj, o_proj;
    readonly int _heads, _kvHeads, _headDim, _layerIndex;
    readonly double _dropout;

    public Attention(LlamaConfig config, int layerIndex) : base(nameof(Attention))
    {
        _heads = config.NumAttentionHeads;
        _kvHeads = config.KeyValueHeads;
        _headDim = config.HeadDim;
        _layerIndex = layerIndex;
        _dropout = config.AttentionDropout;
        q_proj = nn.Linear(config.HiddenSize, _heads * _headDim, hasBias: config.HasQkvBias);
        k_proj = nn.Linear(config.HiddenSize, _kvHeads * _headDim, hasBias: config.HasQkvBias);
        v_proj = nn.Linear(config.HiddenSize, _kvHeads * _headDim, hasBias: config.HasQkvBias);
        o_proj = nn.Linear(_heads * _headDim, config.HiddenSize, hasBias: false);
        RegisterComponents();
    }

    public Tensor Forward(Tensor x, RotaryEmbedding rotary, RotaryTables rotations, DecoderContext context)
    {
        long batch = x.shape[0], steps = x.shape[1];
        var q = q_proj.forward(x).view(batch, steps, _heads, _headDim).transpose(1, 2);
        var k = k_proj.forward(x).view(batch, steps, _kvHeads, _headDim).transpose(1, 2);
        var v = v_proj.forward(x).view(batch, steps, _kvHeads, _headDim).transpose(1, 2);
        q = rotary.Apply(q, rotations);
        k = rotary.Apply(k, rotations);

        if (context.Cache is { } cache)
        {
            if (cache.Length > 0 && steps > 1 && context.AttentionBias is null)
                throw new InvalidOperationException("a multi-token step on a filled cache needs an attention bias");
            (k, v) = cache.Append(_layerIndex, k, v);
        }
        double dropout = training ? _dropout : 0.0;
        if (_kvHeads != _heads && steps == 1)
        {
            // Decoding one token: the query heads sharing a key/value head become that head's "query positions", so
            // the cache is read as it is instead of being copied once per shared head. The bias is per key, so it
            // broadcasts over them unchanged.
            var grouped = F.scaled_dot_product_attention(q.view(batch, _kvHeads, _heads / _kvHeads, _headDim), k, v,
                context.AttentionBias, dropout, false);
            return o_proj.forward(grouped.reshape(batch, 1, _heads * _headDim));
        }
        if (_kvHeads != _heads)
        {
            // Grouped-query attention: query head h reads key/value head h / (heads / kvHeads).
            k = k.repeat_interleave(_heads / _kvHeads, 1);
            v = v.repeat_interleave(_heads / _kvHeads, 1);
        }
        var y = F.scaled_dot_product_attention(q, k, v, context.AttentionBias, dropout, context.IsCausal);
        return o_proj.forward(y.transpose(1, 2).reshape(batch, steps, _heads * _headDim));
    }
}

public sealed class Mlp : nn.Module<Tensor, Tensor>
{
    readonly nn.Module<Tensor, Tensor> gate_proj, up_proj, down_proj;

    public Mlp(LlamaConfig config) : base(nameof(Mlp))
    {
        gate_proj = nn.Linear(config.HiddenSize, config.IntermediateSize, hasBias: false);
        up_proj = nn.Linear(config.HiddenSize, config.IntermediateSize, hasBias: false);
        down_proj = nn.Linear(config.IntermediateSize, config.HiddenSize, hasBias: false);
        RegisterComponents();
    }

    // SwiGLU
    public override Tensor forward(Tensor x) => down_proj.forward(F.silu(gate_proj.forward(x)) * up_proj.forward(x));
}

public sealed class DecoderLayer : nn.Module
{
    readonly RmsNorm input_layernorm, post_attention_layernorm;
    readonly Attention self_attn;
    readonly Mlp mlp;

    public DecoderLayer(LlamaConfig config, int layerIndex) : base(nameof(DecoderLayer))
    {
        self_attn = new Attention(config, layerIndex);
        mlp = new Mlp(config);
        input_layernorm = new RmsNorm(config.HiddenSize, config.RmsNormEps);
        post_attention_layernorm = new RmsNorm(config.HiddenSize, config.RmsNormEps);
        RegisterComponents();
    }

    public Tensor Forward(Tensor x, RotaryEmbedding rotary, RotaryTables rotations, DecoderContext context)
    {
        x = x + self_attn.Forward(input_layernorm.forward(x), rotary, rotations, context);
        return x + mlp.forward(post_attention_layernorm.forward(x));
    }
}

public sealed class LlamaBackbone : nn.Module
{
    readonly Embedding embed_tokens;
    readonly ModuleList<DecoderLayer> layers;
    readonly RmsNorm norm;
    readonly RotaryEmbedding rotary_emb;

    public LlamaBackbone(LlamaConfig config) : base(nameof(LlamaBackbone))
    {
        embed_tokens = nn.Embedding(config.VocabSize, config.HiddenSize);
        layers = nn.ModuleList(Enumerable.Range(0, config.NumHiddenLayers).Select(i => new DecoderLayer(config, i)).ToArray());
        norm = new RmsNorm(config.HiddenSize, config.RmsNormEps);
        rotary_emb = new RotaryEmbedding(config);
        RegisterComponents();
    }

    public Embedding EmbedTokens => embed_tokens;

    public Tensor Forward(Tensor inputIds, DecoderContext context)
    {
        var x = embed_tokens.forward(inputIds);
        var rotations = rotary_emb.At(context.PositionIds, x.dtype);
        foreach (var layer in layers)
            x = layer.Forward(x, rotary_emb, rotations, context);
        context.Cache?.Advance(inputIds.shape[1]);
        return norm.forward(x);
    }
}

public sealed class LlamaForCausalLM : CausalLanguageModel
{
    readonly LlamaBackbone model;
    readonly nn.Module<Tensor, Tensor>? lm_head;

    public LlamaForCausalLM(LlamaConfig config) : base(nameof(LlamaForCausalLM))
    {
        config.Validate("config");
        Config = config;
        model = new LlamaBackbone(config);
        if (!config.TieWordEmbeddings) lm_head = nn.Linear(config.HiddenSize, config.VocabSize, hasBias: false);
        RegisterComponents();
    }

    public LlamaConfig Config { get; }

    public override string ModelType => Config.ModelType;

    public override ModelShape Shape => new(Config.VocabSize, Config.HiddenSize, Config.NumHiddenLayers,
        Config.KeyValueHeads, Config.HeadDim, Config.MaxPositionEmbeddings);

    public override Tensor HiddenStates(Tensor inputIds, DecoderContext context) => model.Forward(inputIds, context);

    public override Tensor Logits(Tensor hiddenStates) =>
        lm_head is null ? F.linear(hiddenStates, model.EmbedTokens.weight!) : lm_head.forward(hiddenStates);

    public override string ToConfigJson() => ModelConfigJson.Serialize(Config with
    {
        Architectures = [Config.ModelType == "qwen2" ? "Qwen2ForCausalLM" : Config.ModelType == "mistral" ? "MistralForCausalLM" : "LlamaForCausalLM"],
    });
}
