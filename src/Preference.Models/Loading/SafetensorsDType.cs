using static TorchSharp.torch;

namespace Preference.Models.Loading;

/// <summary>The dtype names of the safetensors header and their torch types and sizes.</summary>
public static class SafetensorsDType
{
    static readonly Dictionary<string, (ScalarType Type, int Size)> ByName = new()
    {
        ["F64"] = (ScalarType.Float64, 8),
        ["F32"] = (ScalarType.Float32, 4),
        ["F16"] = (ScalarType.Float16, 2),
        ["BF16"] = (ScalarType.BFloat16, 2),
        ["I64"] = (ScalarType.Int64, 8),
        ["I32"] = (ScalarType.Int32, 4),
        ["I16"] = (ScalarType.Int16, 2),
        ["I8"] = (ScalarType.Int8, 1),
        ["U8"] = (ScalarType.Byte, 1),
        ["BOOL"] = (ScalarType.Bool, 1),
    };

    public static IEnumerable<string> Names => ByName.Keys;

    public static bool TryParse(string name, out ScalarType type, out int elementSize)
    {
        var found = ByName.TryGetValue(name, out var entry);
        (type, elementSize) = entry;
        return found;
    }

    public static string NameOf(ScalarType type) =>
        ByName.FirstOrDefault(p => p.Value.Type == type).Key
        ?? throw new ArgumentException($"dtype {type} cannot be written to safetensors");

    /// <summary>The <c>torch_dtype</c> spelling of config.json (float32, float16, bfloat16).</summary>
    public static string TorchName(ScalarType type) => type switch
    {
        ScalarType.Float32 => "float32",
        ScalarType.Float16 => "float16",
        ScalarType.BFloat16 => "bfloat16",
        ScalarType.Float64 => "float64",
        _ => throw new ArgumentException($"dtype {type} is not a floating-point model dtype"),
    };

    /// <summary>Parses fp32/float32, fp16/float16/half, bf16/bfloat16, as users and config.json spell them.</summary>
    public static ScalarType ParseModelDType(string name) => name.Trim().ToLowerInvariant() switch
    {
        "fp32" or "float32" or "float" => ScalarType.Float32,
        "fp16" or "float16" or "half" => ScalarType.Float16,
        "bf16" or "bfloat16" => ScalarType.BFloat16,
        _ => throw new ArgumentException($"unknown dtype '{name}': use fp32, fp16 or bf16"),
    };
}
