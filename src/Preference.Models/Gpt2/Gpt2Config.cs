using System.Text.Json.Serialization;

namespace Preference.Models.Gpt2;

/// <summary>
/// Mirrors Hugging Face's GPT-2 config.json field for field (defaults are transformers' GPT2Config defaults, i.e. the
/// 124M model), so the hub's gpt2 / distilgpt2 directories load as they are and ours load in transformers.
/// </summary>
public sealed record Gpt2Config
{
    [JsonPropertyName("architectures")] public IReadOnlyList<string>? Architectures { get; init; }
    [JsonPropertyName("model_type")] public string ModelType { get; init; } = "gpt2";
    [JsonPropertyName("vocab_size")] public int VocabSize { get; init; } = 50257;
    /// <summary>Learned position embeddings: the longest sequence the model can see.</summary>
    [JsonPropertyName("n_positions")] public int NPositions { get; init; } = 1024;
    [JsonPropertyName("n_embd")] public int NEmbd { get; init; } = 768;
    [JsonPropertyName("n_layer")] public int NLayer { get; init; } = 12;
    [JsonPropertyName("n_head")] public int NHead { get; init; } = 12;
    /// <summary>MLP width; null means 4 × n_embd.</summary>
    [JsonPropertyName("n_inner")] public int? NInner { get; init; }
    [JsonPropertyName("activation_function")] public string ActivationFunction { get; init; } = "gelu_new";
    [JsonPropertyName("resid_pdrop")] public double ResidPdrop { get; init; } = 0.1;
    [JsonPropertyName("embd_pdrop")] public double EmbdPdrop { get; init; } = 0.1;
    [JsonPropertyName("attn_pdrop")] public double AttnPdrop { get; init; } = 0.1;
    [JsonPropertyName("layer_norm_epsilon")] public double LayerNormEpsilon { get; init; } = 1e-5;
    [JsonPropertyName("initializer_range")] public double InitializerRange { get; init; } = 0.02;
    /// <summary>Divide attention scores by √head_dim (true in every released GPT-2).</summary>
    [JsonPropertyName("scale_attn_weights")] public bool ScaleAttnWeights { get; init; } = true;
    /// <summary>Also divide layer i's scores by i + 1 (Mistral's GPT-2 runs).</summary>
    [JsonPropertyName("scale_attn_by_inverse_layer_idx")] public bool ScaleAttnByInverseLayerIdx { get; init; }
    [JsonPropertyName("reorder_and_upcast_attn")] public bool ReorderAndUpcastAttn { get; init; }
    [JsonPropertyName("tie_word_embeddings")] public bool TieWordEmbeddings { get; init; } = true;
    [JsonPropertyName("bos_token_id")] public int? BosTokenId { get; init; } = 50256;
    [JsonPropertyName("eos_token_id")] public int? EosTokenId { get; init; } = 50256;
    [JsonPropertyName("torch_dtype")] public string? TorchDtype { get; init; }

    [JsonIgnore] public int HeadDim => NEmbd / NHead;
    [JsonIgnore] public int InnerSize => NInner ?? 4 * NEmbd;

    public void Validate(string source)
    {
        void Require(bool ok, string field, string problem)
        {
            if (!ok) throw new ModelFormatException(source, $"config field '{field}' {problem}");
        }
        Require(VocabSize > 0, "vocab_size", "must be positive");
        Require(NPositions > 0, "n_positions", "must be positive");
        Require(NEmbd > 0, "n_embd", "must be positive");
        Require(NLayer > 0, "n_layer", "must be positive");
        Require(NHead > 0 && NEmbd % NHead == 0, "n_head", "must be positive and divide n_embd");
        Require(InnerSize > 0, "n_inner", "must be positive");
        Require(Gpt2Activation.IsSupported(ActivationFunction), "activation_function",
            $"'{ActivationFunction}' is not supported ({string.Join(", ", Gpt2Activation.Names)})");
        Require(LayerNormEpsilon > 0, "layer_norm_epsilon", "must be positive");
        foreach (var (field, p) in new[] { ("resid_pdrop", ResidPdrop), ("embd_pdrop", EmbdPdrop), ("attn_pdrop", AttnPdrop) })
            Require(p is >= 0 and < 1, field, "must be in [0, 1)");
    }
}
