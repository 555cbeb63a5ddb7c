using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Preference.Models.Llama;
using static TorchSharp.torch;

namespace Preference.Models.Loading;

/// <summary>LLaMA, Mistral and Qwen2 directories (LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM).</summary>
public sealed partial class HuggingFaceLlama : HuggingFaceArchitecture
{
    public override IReadOnlyList<string> ModelTypes { get; } = ["llama", "mistral", "qwen2"];

    public override HuggingFaceWeightLayout Layout => HuggingFaceWeightLayouts.Llama;

    public override CausalLanguageModel Create(string configPath)
    {
        var config = ModelConfigJson.Read<LlamaConfig>(configPath).WithRopeParametersResolved();
        config.Validate(configPath);
        return new LlamaForCausalLM(config);
    }

    public override bool Handles(CausalLanguageModel model) => model is LlamaForCausalLM;

    public override void CompleteConfig(CausalLanguageModel model, JsonObject config)
    {
        var c = ((LlamaForCausalLM)model).Config;
        // Saved weights are always half-split (see ToCheckpointLayout), which is what transformers assumes.
        config.Remove("rope_interleaved");
        config["num_key_value_heads"] = c.KeyValueHeads;
        config["attention_bias"] = c.HasQkvBias;
        config["tie_word_embeddings"] = c.TieWordEmbeddings;
        var (bos, eos) = GenerationTokens(model);
        config["bos_token_id"] = bos;
        config["eos_token_id"] = eos;
    }

    // transformers' LlamaConfig defaults (bos 1, eos 2), which llama2.c's SentencePiece vocabularies share.
    public override (JsonNode? Bos, JsonNode? Eos) GenerationTokens(CausalLanguageModel model)
    {
        var c = ((LlamaForCausalLM)model).Config;
        return (JsonValue.Create(c.BosTokenId ?? 1), c.EosTokenId is { } eos ? JsonNode.Parse(eos.GetRawText()) : JsonValue.Create(2));
    }

    public override Tensor ToCheckpointLayout(CausalLanguageModel model, string name, Tensor parameter) =>
        OutputRowsToCheckpoint(model, name, parameter);

    public override Tensor OutputRowsToCheckpoint(CausalLanguageModel model, string weightName, Tensor rows) =>
        RotatedHeads(model, weightName) is { } heads ? ToHalfSplit(rows, heads.Count, heads.Dim) : rows;

    public override Tensor OutputRowsFromCheckpoint(CausalLanguageModel model, string weightName, Tensor rows) =>
        RotatedHeads(model, weightName) is { } heads ? FromHalfSplit(rows, heads.Count, heads.Dim) : rows;

    // The head count and size of a q/k projection whose rows the model keeps in llama2.c's interleaved order.
    static (int Count, int Dim)? RotatedHeads(CausalLanguageModel model, string weightName)
    {
        var c = ((LlamaForCausalLM)model).Config;
        if (!c.RopeInterleaved) return null;
        var match = RotatedProjection().Match(weightName);
        if (!match.Success) return null;
        return (match.Groups[1].Value == "q" ? c.NumAttentionHeads : c.KeyValueHeads, c.HeadDim);
    }

    /// <summary>
    /// Reorders the rows of a q/k projection (or its bias) from adjacent rotary pairs (llama2.c, Meta) to the
    /// half-split pairs transformers rotates: within each head, rows (0,1),(2,3),… become (0, d/2),(1, d/2+1),…
    /// (the <c>permute</c> of transformers' convert_llama_weights_to_hf.py).
    /// </summary>
    public static Tensor ToHalfSplit(Tensor rows, int heads, int headDim)
    {
        long[] rest = rows.shape[1..];
        return rows.reshape([heads, headDim / 2, 2, .. rest]).transpose(1, 2).reshape(rows.shape);
    }

    /// <summary>The inverse of <see cref="ToHalfSplit"/>: half-split rows back to adjacent rotary pairs.</summary>
    public static Tensor FromHalfSplit(Tensor rows, int heads, int headDim)
    {
        long[] rest = rows.shape[1..];
        return rows.reshape([heads, 2, headDim / 2, .. rest]).transpose(1, 2).reshape(rows.shape);
    }

    [GeneratedRegex(@"^model\.layers\.\d+\.self_attn\.(q|k)_proj\.(weight|bias)$")]
    private static partial Regex RotatedProjection();
}
