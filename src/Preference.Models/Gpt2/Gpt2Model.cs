using Preference.Models.Decoding;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Preference.Models.Gpt2;

// GPT-2, read top to bottom like nanoGPT: Gpt2Attention, Gpt2Mlp, Gpt2Block, Gpt2Backbone, Gpt2LMHeadModel. Module and
// parameter names are Hugging Face's (transformer.h.N.attn.c_attn.weight). HF stores c_attn/c_proj/c_fc as Conv1D
// ([in, out]); ours are plain Linear ([out, in]) and the checkpoint code transposes (HuggingFaceWeightLayouts.Gpt2).

public sealed class Gpt2Attention : nn.Module
{
    // Typed as the projection contract, not Linear, so LoRA can wrap them in place (Preference.Models.Lora).
    readonly nn.Module<Tensor, Tensor> c_attn, c_proj;
    readonly Dropout resid_dropout;
    readonly int _heads, _headDim, _layerIndex;
    readonly double _dropout, _queryScale;

    public Gpt2Attention(Gpt2Config config, int layerIndex) : base(nameof(Gpt2Attention))
    {
        _heads = config.NHead;
        _headDim = config.HeadDim;
        _layerIndex = layerIndex;
        _dropout = config.AttnPdrop;
        // SDPA divides scores by √headDim; the two config switches change that, applied once to the queries.
        _queryScale = (config.ScaleAttnWeights ? 1.0 : Math.Sqrt(_headDim)) / (config.ScaleAttnByInverseLayerIdx ? layerIndex + 1 : 1);
        c_attn = nn.Linear(config.NEmbd, 3 * config.NEmbd);
        c_proj = nn.Linear(config.NEmbd, config.NEmbd);
        resid_dropout = nn.Dropout(config.ResidPdrop);
        RegisterComponents();
    }

    public Tensor Forward(Tensor x, DecoderContext context)
    {
        long batch = x.shape[0], steps = x.shape[1], width = x.shape[2];
        // One fused projection, then split into query, key, value: [B, heads, T, headDim] each.
        var qkv = c_attn.forward(x).split(width, 2);
        var q = qkv[0].view(batch, steps, _heads, _headDim).transpose(1, 2);
        var k = qkv[1].view(batch, steps, _heads, _headDim).transpose(1, 2);
        var v = qkv[2].view(batch, steps, _heads, _headDim).transpose(1, 2);
        if (_queryScale != 1.0) q = q * _queryScale;

        if (context.Cache is { } cache)
        {
            if (cache.Length > 0 && steps > 1 && context.AttentionBias is null)
                throw new InvalidOperationException("a multi-token step on a filled cache needs an attention bias");
            (k, v) = cache.Append(_layerIndex, k, v);
        }
        var y = F.scaled_dot_product_attention(q, k, v, context.AttentionBias, training ? _dropout : 0.0, context.IsCausal);
        return resid_dropout.forward(c_proj.forward(y.transpose(1, 2).reshape(batch, steps, width)));
    }
}

public sealed class Gpt2Mlp : nn.Module<Tensor, Tensor>
{
    readonly nn.Module<Tensor, Tensor> c_fc, c_proj;
    readonly Dropout dropout;
    readonly string _activation;

    public Gpt2Mlp(Gpt2Config config) : base(nameof(Gpt2Mlp))
    {
        c_fc = nn.Linear(config.NEmbd, config.InnerSize);
        c_proj = nn.Linear(config.InnerSize, config.NEmbd);
        dropout = nn.Dropout(config.ResidPdrop);
        _activation = config.ActivationFunction;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => dropout.forward(c_proj.forward(Gpt2Activation.Apply(_activation, c_fc.forward(x))));
}

public sealed class Gpt2Block : nn.Module
{
    readonly LayerNorm ln_1, ln_2;
    readonly Gpt2Attention attn;
    readonly Gpt2Mlp mlp;

    public Gpt2Block(Gpt2Config config, int layerIndex) : base(nameof(Gpt2Block))
    {
        ln_1 = nn.LayerNorm(config.NEmbd, config.LayerNormEpsilon);
        attn = new Gpt2Attention(config, layerIndex);
        ln_2 = nn.LayerNorm(config.NEmbd, config.LayerNormEpsilon);
        mlp = new Gpt2Mlp(config);
        RegisterComponents();
    }

    // Pre-norm residual block.
    public Tensor Forward(Tensor x, DecoderContext context)
    {
        x = x + attn.Forward(ln_1.forward(x), context);
        return x + mlp.forward(ln_2.forward(x));
    }
}

public sealed class Gpt2Backbone : nn.Module
{
    readonly Embedding wte, wpe;
    readonly Dropout drop;
    readonly ModuleList<Gpt2Block> h;
    readonly LayerNorm ln_f;

    public Gpt2Backbone(Gpt2Config config) : base(nameof(Gpt2Backbone))
    {
        wte = nn.Embedding(config.VocabSize, config.NEmbd);
        wpe = nn.Embedding(config.NPositions, config.NEmbd);
        drop = nn.Dropout(config.EmbdPdrop);
        h = nn.ModuleList(Enumerable.Range(0, config.NLayer).Select(i => new Gpt2Block(config, i)).ToArray());
        ln_f = nn.LayerNorm(config.NEmbd, config.LayerNormEpsilon);
        RegisterComponents();
    }

    public Embedding TokenEmbedding => wte;

    public Tensor Forward(Tensor inputIds, DecoderContext context)
    {
        // Learned absolute positions; left padding shifts them per row through context.PositionIds.
        var x = drop.forward(wte.forward(inputIds) + wpe.forward(context.PositionIds));
        foreach (var block in h)
            x = block.Forward(x, context);
        context.Cache?.Advance(inputIds.shape[1]);
        return ln_f.forward(x);
    }
}

public sealed class Gpt2LMHeadModel : CausalLanguageModel
{
    readonly Gpt2Backbone transformer;
    readonly nn.Module<Tensor, Tensor>? lm_head;

    public Gpt2LMHeadModel(Gpt2Config config) : this(config, initialize: true) { }

    /// <summary>Without GPT-2's initialisation, for a model whose every weight a checkpoint is about to overwrite.</summary>
    internal Gpt2LMHeadModel(Gpt2Config config, bool initialize) : base(nameof(Gpt2LMHeadModel))
    {
        config.Validate("config");
        Config = config;
        transformer = new Gpt2Backbone(config);
        if (!config.TieWordEmbeddings) lm_head = nn.Linear(config.NEmbd, config.VocabSize, hasBias: false);
        RegisterComponents();
        if (initialize) InitializeWeights();
    }

    public Gpt2Config Config { get; }

    public override string ModelType => Config.ModelType;

    public override ModelShape Shape => new(Config.VocabSize, Config.NEmbd, Config.NLayer, Config.NHead, Config.HeadDim, Config.NPositions);

    public override Tensor HiddenStates(Tensor inputIds, DecoderContext context) => transformer.Forward(inputIds, context);

    public override Tensor Logits(Tensor hiddenStates) =>
        lm_head is null ? F.linear(hiddenStates, transformer.TokenEmbedding.weight!) : lm_head.forward(hiddenStates);

    public override string ToConfigJson() => ModelConfigJson.Serialize(Config with { Architectures = ["GPT2LMHeadModel"] });

    // GPT-2's initialisation: N(0, 0.02) for matrices and embeddings, zero biases, and the residual projections scaled
    // by 1/√(2·layers) so the residual stream's variance does not grow with depth.
    void InitializeWeights()
    {
        using var noGrad = no_grad();
        double residualStd = Config.InitializerRange / Math.Sqrt(2.0 * Config.NLayer);
        foreach (var (name, parameter) in named_parameters())
        {
            if (name.Contains(".ln_") || name.StartsWith("transformer.ln_f", StringComparison.Ordinal)) continue;
            if (name.EndsWith(".bias", StringComparison.Ordinal)) parameter.zero_();
            else if (name.EndsWith("c_proj.weight", StringComparison.Ordinal)) nn.init.normal_(parameter, 0, residualStd);
            else nn.init.normal_(parameter, 0, Config.InitializerRange);
        }
    }
}
