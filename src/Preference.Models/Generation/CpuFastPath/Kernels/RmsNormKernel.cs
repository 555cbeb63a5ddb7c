using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace Preference.Models.Generation.CpuFastPath.Kernels;

/// <summary>y = x / sqrt(mean(x²) + eps) · weight per row, in the order the torch RmsNorm computes it.</summary>
internal static unsafe class RmsNormKernel
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Normalize(float* x, float* y, int rows, int size, float* weight, float eps)
    {
        var gain = new ReadOnlySpan<float>(weight, size);
        for (int r = 0; r < rows; r++)
        {
            var input = new ReadOnlySpan<float>(x + (long)r * size, size);
            var output = new Span<float>(y + (long)r * size, size);
            float inverse = 1f / MathF.Sqrt(TensorPrimitives.SumOfSquares(input) / size + eps);
            TensorPrimitives.Multiply(input, inverse, output);
            TensorPrimitives.Multiply(output, gain, output);
        }
    }
}
