using static TorchSharp.torch;

namespace Preference.Models.Loading;

/// <summary>One tensor of a safetensors header: its dtype, shape and byte range relative to the end of the header.</summary>
public sealed record SafetensorsEntry(string Name, string DTypeName, ScalarType DType, long[] Shape, long Begin, long End)
{
    public long ByteLength => End - Begin;

    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);
}
