using System.Numerics;
using System.Numerics.Tensors;

namespace Preference.Models.Generation.CpuFastPath.Kernels;

/// <summary>
/// Causal attention of one query position over one row's KV cache, every head. The cache holds each head's keys for
/// consecutive positions back to back ([position, headDim]), so with head size 8 a key is exactly one AVX vector.
/// Query head h reads key/value head h / (heads / kvHeads), as grouped-query attention does.
/// </summary>
internal static unsafe class AttentionKernel
{
    /// <param name="query">[heads * headDim] rotated queries of this position.</param>
    /// <param name="keys">this row's keys of one layer, [kvHeads, capacity, headDim].</param>
    /// <param name="values">this row's values of one layer, laid out like keys.</param>
    /// <param name="first">first cache position this row may attend to (after its left padding).</param>
    /// <param name="last">the query's own cache position (inclusive).</param>
    /// <param name="scores">scratch of at least last - first + 1 floats.</param>
    /// <param name="output">[heads * headDim] attention output.</param>
    public static void Attend(float* query, float* keys, float* values, int capacity, int first, int last,
        int heads, int kvHeads, int headDim, float* scores, float* output)
    {
        int count = last - first + 1, group = heads / kvHeads;
        float scale = 1f / MathF.Sqrt(headDim);
        var weights = new Span<float>(scores, count);
        for (int h = 0; h < heads; h++)
        {
            float* q = query + h * headDim;
            long headOffset = (long)(h / group) * capacity * headDim;
            float* k = keys + headOffset + (long)first * headDim;
            float* v = values + headOffset + (long)first * headDim;
            for (int s = 0; s < count; s++)
                scores[s] = MatMulKernel.Dot(q, k + (long)s * headDim, headDim) * scale;

            // Softmax without its division: the weighted sum is divided once by the total instead.
            float max = TensorPrimitives.Max((ReadOnlySpan<float>)weights);
            TensorPrimitives.Subtract(weights, max, weights);
            TensorPrimitives.Exp(weights, weights);
            float total = TensorPrimitives.Sum((ReadOnlySpan<float>)weights);

            float* o = output + h * headDim;
            WeightedSum(scores, v, count, headDim, o);
            TensorPrimitives.Multiply(new ReadOnlySpan<float>(o, headDim), 1f / total, new Span<float>(o, headDim));
        }
    }

    static void WeightedSum(float* weights, float* v, int count, int headDim, float* output)
    {
        int width = Vector<float>.Count;
        if (headDim == width)
        {
            var sum = Vector<float>.Zero;
            for (int s = 0; s < count; s++)
                sum = Vector.MultiplyAddEstimate(new Vector<float>(weights[s]), *(Vector<float>*)(v + (long)s * headDim), sum);
            *(Vector<float>*)output = sum;
            return;
        }
        new Span<float>(output, headDim).Clear();
        for (int s = 0; s < count; s++)
        {
            float p = weights[s];
            float* vs = v + (long)s * headDim;
            int i = 0;
            for (; i + width <= headDim; i += width)
                *(Vector<float>*)(output + i) = Vector.MultiplyAddEstimate(new Vector<float>(p), *(Vector<float>*)(vs + i), *(Vector<float>*)(output + i));
            for (; i < headDim; i++) output[i] += p * vs[i];
        }
    }
}
