using System.Numerics.Tensors;

namespace Preference.Models.Generation.CpuFastPath.Kernels;

/// <summary>The LLaMA MLP's gate: gate = silu(gate) · up, where silu(g) = g · sigmoid(g); up is used as scratch.</summary>
internal static unsafe class SwiGluKernel
{
    public static void Apply(float* gate, float* up, long length)
    {
        var g = new Span<float>(gate, checked((int)length));
        var u = new Span<float>(up, checked((int)length));
        TensorPrimitives.Multiply(g, u, u);
        TensorPrimitives.Sigmoid(g, g);
        TensorPrimitives.Multiply(g, u, g);
    }
}
