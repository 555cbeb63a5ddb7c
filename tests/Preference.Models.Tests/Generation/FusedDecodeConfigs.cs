using Preference.Models.Llama;
using Preference.Models.Loading;
using Preference.Models.Tests.Loading;

namespace Preference.Models.Tests.Generation;

/// <summary>
/// Small random LLaMA-family configurations, one per feature the fused CPU decoder must get right, so a mistake in
/// any of them (rotary layout, scaling, grouping, bias, untied head, vector tails) shows as a logits mismatch.
/// </summary>
public static class FusedDecodeConfigs
{
    static LlamaConfig Base => new()
    {
        VocabSize = 61,
        HiddenSize = 32,
        IntermediateSize = 40,
        NumHiddenLayers = 2,
        NumAttentionHeads = 4,
        NumKeyValueHeads = 2,
        MaxPositionEmbeddings = 64,
        RmsNormEps = 1e-5,
    };

    public static IReadOnlyDictionary<string, LlamaConfig> All { get; } = new Dictionary<string, LlamaConfig>
    {
        ["gqa, half-split rotary, untied"] = Base,
        ["adjacent-pair rotary, tied"] = Base with { NumKeyValueHeads = 4, RopeInterleaved = true, TieWordEmbeddings = true },
        ["qwen2 qkv bias, one kv head"] = Base with { ModelType = "qwen2", NumKeyValueHeads = 1, RopeTheta = 1_000_000 },
        ["linear rope scaling"] = Base with { RopeScaling = new RopeScaling { RopeType = "linear", Factor = 2 } },
        // Head size 16 over a 32-position original context puts frequencies in all three llama3 bands.
        ["llama3 rope scaling, head size 16"] = Base with
        {
            NumAttentionHeads = 2,
            NumKeyValueHeads = 1,
            RopeScaling = new RopeScaling { RopeType = "llama3", Factor = 8, OriginalMaxPositionEmbeddings = 32 },
        },
        // Widths that are not multiples of a vector: every kernel's scalar tail runs.
        ["head size 12, odd widths"] = Base with { VocabSize = 37, HiddenSize = 36, IntermediateSize = 27, NumAttentionHeads = 3, NumKeyValueHeads = 3 },
        ["head size 4 (qwen2 tiny)"] = TinyModels.Qwen2Config,
    };

    public static TheoryData<string> Names => new(All.Keys);

    public static LlamaForCausalLM Model(string name, int seed = 1) => TinyModels.Llama(All[name], seed);
}
