using static TorchSharp.torch;

namespace Preference.Models.Loading;

/// <summary>How a checkpoint becomes a model in memory.</summary>
public sealed record ModelLoadOptions
{
    /// <summary>Parameter dtype (float32, float16 or bfloat16); checkpoint tensors are converted as they are read. Default float32.</summary>
    public ScalarType DType { get; init; } = ScalarType.Float32;

    /// <summary>Where the parameters live; null means the CPU.</summary>
    public Device? Device { get; init; }

    public static ModelLoadOptions Default { get; } = new();

    public void Validate()
    {
        if (DType is not (ScalarType.Float32 or ScalarType.Float16 or ScalarType.BFloat16))
            throw new ArgumentException($"model dtype {DType} is not supported: use float32, float16 or bfloat16");
    }
}
