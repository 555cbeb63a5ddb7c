using System.Text.Json;
using System.Text.Json.Serialization;

namespace Preference.Models.Llama;

/// <summary>
/// Mirrors a Hugging Face LLaMA-family config.json field for field (llama, mistral, qwen2, tinyllama, stories),
/// so a user's checkpoint loads without a mapping file and ours loads in transformers.
/// </summary>
public sealed record LlamaConfig
{
    [JsonPropertyName("architectures")] public IReadOnlyList<string>? Architectures { get; init; }
    [JsonPropertyName("model_type")] public string ModelType { get; init; } = "llama";
    [JsonPropertyName("vocab_size")] public required int VocabSize { get; init; }
    [JsonPropertyName("hidden_size")] public required int HiddenSize { get; init; }
    [JsonPropertyName("intermediate_size")] public required int IntermediateSize { get; init; }
    [JsonPropertyName("num_hidden_layers")] public required int NumHiddenLayers { get; init; }
    [JsonPropertyName("num_attention_heads")] public required int NumAttentionHeads { get; init; }
    /// <summary>Fewer than the attention heads means grouped-query attention; defaults to the attention heads.</summary>
    [JsonPropertyName("num_key_value_heads")] public int? NumKeyValueHeads { get; init; }
    [JsonPropertyName("head_dim")] public int? HeadDimOverride { get; init; }
    [JsonPropertyName("max_position_embeddings")] public int MaxPositionEmbeddings { get; init; } = 2048;
    [JsonPropertyName("rms_norm_eps")] public double RmsNormEps { get; init; } = 1e-6;
    [JsonPropertyName("rope_theta")] public double RopeTheta { get; init; } = 10000.0;
    [JsonPropertyName("rope_scaling")] public RopeScaling? RopeScaling { get; init; }
    /// <summary>transformers ≥ 5 writes rope_theta and the scaling together here; <see cref="WithRopeParametersResolved"/> folds it in.</summary>
    [JsonPropertyName("rope_parameters"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public RopeScaling? RopeParameters { get; init; }
    [JsonPropertyName("tie_word_embeddings")] public bool TieWordEmbeddings { get; init; }
    /// <summary>Bias on q/k/v projections: Qwen2 has it, LLaMA does not.</summary>
    [JsonPropertyName("attention_bias")] public bool? AttentionBiasFlag { get; init; }
    [JsonPropertyName("attention_dropout")] public double AttentionDropout { get; init; }
    [JsonPropertyName("hidden_act")] public string HiddenAct { get; init; } = "silu";
    [JsonPropertyName("bos_token_id")] public int? BosTokenId { get; init; } = 1;
    [JsonPropertyName("eos_token_id")] public JsonElement? EosTokenId { get; init; }
    [JsonPropertyName("torch_dtype")] public string? TorchDtype { get; init; }

    /// <summary>
    /// Pairs rotated together: adjacent (llama2.c / Meta checkpoints) when true, first half with second half (HF) when
    /// false. Not an HF field: HF checkpoints are always half-split, which is the default.
    /// </summary>
    [JsonPropertyName("rope_interleaved"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool RopeInterleaved { get; init; }

    [JsonIgnore] public int KeyValueHeads => NumKeyValueHeads ?? NumAttentionHeads;
    [JsonIgnore] public int HeadDim => HeadDimOverride ?? HiddenSize / NumAttentionHeads;
    [JsonIgnore] public bool HasQkvBias => AttentionBiasFlag ?? ModelType == "qwen2";

    /// <summary>
    /// The same config with a transformers ≥ 5 <c>rope_parameters</c> block moved into <c>rope_theta</c> and
    /// <c>rope_scaling</c>, so every consumer reads one place and a Llama 3 saved by transformers 5 keeps its theta.
    /// </summary>
    public LlamaConfig WithRopeParametersResolved() => RopeParameters is not { } p ? this : this with
    {
        RopeTheta = p.RopeTheta ?? RopeTheta,
        RopeScaling = RopeScaling ?? (p.Kind == "default" ? null : p with { RopeTheta = null }),
        RopeParameters = null,
    };

    public void Validate(string source)
    {
        void Require(bool ok, string field, string problem)
        {
            if (!ok) throw new ModelFormatException(source, $"config field '{field}' {problem}");
        }
        Require(VocabSize > 0, "vocab_size", "must be positive");
        Require(HiddenSize > 0, "hidden_size", "must be positive");
        Require(IntermediateSize > 0, "intermediate_size", "must be positive");
        Require(NumHiddenLayers > 0, "num_hidden_layers", "must be positive");
        Require(NumAttentionHeads > 0, "num_attention_heads", "must be positive");
        Require(HeadDimOverride is not null || HiddenSize % NumAttentionHeads == 0, "num_attention_heads", "must divide hidden_size");
        Require(KeyValueHeads > 0 && NumAttentionHeads % KeyValueHeads == 0, "num_key_value_heads", "must divide num_attention_heads");
        Require(HeadDim % 2 == 0, "head_dim", "must be even for rotary embeddings");
        Require(HiddenAct is "silu" or "swish", "hidden_act", $"'{HiddenAct}' is not supported (silu)");
        RopeScaling?.Validate(source);
    }
}

/// <summary>HF <c>rope_scaling</c>: linear (positions divided by factor) or llama3 (frequency-dependent).</summary>
public sealed record RopeScaling
{
    [JsonPropertyName("rope_type")] public string? RopeType { get; init; }
    [JsonPropertyName("type")] public string? LegacyType { get; init; }
    [JsonPropertyName("factor")] public double Factor { get; init; } = 1.0;
    [JsonPropertyName("low_freq_factor")] public double LowFreqFactor { get; init; } = 1.0;
    [JsonPropertyName("high_freq_factor")] public double HighFreqFactor { get; init; } = 4.0;
    [JsonPropertyName("original_max_position_embeddings")] public int OriginalMaxPositionEmbeddings { get; init; } = 8192;
    /// <summary>Only inside transformers ≥ 5's <c>rope_parameters</c>.</summary>
    [JsonPropertyName("rope_theta"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? RopeTheta { get; init; }

    [JsonIgnore] public string Kind => RopeType ?? LegacyType ?? "default";

    public void Validate(string source)
    {
        if (Kind is not ("default" or "linear" or "llama3"))
            throw new ModelFormatException(source, $"config field 'rope_scaling.rope_type' '{Kind}' is not supported (linear, llama3)");
        if (Factor <= 0)
            throw new ModelFormatException(source, "config field 'rope_scaling.factor' must be positive");
    }
}
