namespace Preference.Models.Generation.CpuFastPath;

/// <summary>Addresses of one decoder layer's weights inside the model's own tensors ([out, in] row-major, as nn.Linear).</summary>
internal readonly unsafe struct LayerWeights
{
    public required float* InputNorm { get; init; }
    public required float* Query { get; init; }
    public required float* Key { get; init; }
    public required float* Value { get; init; }
    /// <summary>Null unless the model has q/k/v bias (Qwen2).</summary>
    public required float* QueryBias { get; init; }
    public required float* KeyBias { get; init; }
    public required float* ValueBias { get; init; }
    public required float* Output { get; init; }
    public required float* PostAttentionNorm { get; init; }
    public required float* Gate { get; init; }
    public required float* Up { get; init; }
    public required float* Down { get; init; }
}
