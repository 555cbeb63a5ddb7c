using System.Text.RegularExpressions;

namespace Preference.Models.Loading;

/// <summary>The name maps of every architecture we load, side by side (names after the prefix is restored).</summary>
public static class HuggingFaceWeightLayouts
{
    /// <summary>LLaMA, Mistral, Qwen2: <c>model.layers.N.self_attn.q_proj.weight</c> … <c>lm_head.weight</c>.</summary>
    public static HuggingFaceWeightLayout Llama { get; } = new()
    {
        BackbonePrefix = "model.",
        HeadNames = ["lm_head.weight"],
        TiedHeadName = "lm_head.weight",
        Buffers = [new(@"^model\.layers\.\d+\.self_attn\.rotary_emb\.inv_freq$"), new(@"^model\.rotary_emb\.inv_freq$")],
    };

    /// <summary>
    /// GPT-2: <c>transformer.h.N.attn.c_attn.weight</c> …; the hub's original checkpoints have no <c>transformer.</c>
    /// prefix. <c>attn.bias</c> / <c>attn.masked_bias</c> are the causal mask buffers, not parameters.
    /// </summary>
    public static HuggingFaceWeightLayout Gpt2 { get; } = new()
    {
        BackbonePrefix = "transformer.",
        HeadNames = ["lm_head.weight"],
        TiedHeadName = "lm_head.weight",
        Buffers = [new(@"^transformer\.h\.\d+\.attn\.(bias|masked_bias)$")],
        Transposed = [new(@"^transformer\.h\.\d+\.(attn\.c_attn|attn\.c_proj|mlp\.c_fc|mlp\.c_proj)\.weight$")],
    };
}
