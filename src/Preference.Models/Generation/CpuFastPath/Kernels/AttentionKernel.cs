using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace Preference.Models.Generation.CpuFastPath.Kernels;

/// <summary>
/// Causal attention of one query position over one row's KV cache, every head. Keys are stored in blocks of
/// <see cref="Block"/> positions with each dimension's values side by side ([block, headDim, Block]), so one vector
/// multiply-add per dimension scores a whole block of positions with no horizontal sums; values are stored
/// [position, headDim], so with head size 8 each position's value is one AVX vector.
/// Query head h reads key/value head h / (heads / kvHeads), as grouped-query attention does.
/// </summary>
internal static unsafe class AttentionKernel
{
    /// <summary>Positions per key block: one vector of scores.</summary>
    public static int Block => Vector<float>.Count;

    /// <summary>Where the key of (position, dimension) lives within one head's key blocks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long KeyOffset(int position, int dimension, int headDim) =>
        ((long)(position / Block) * headDim + dimension) * Block + position % Block;

    /// <param name="query">[heads * headDim] rotated queries of this position.</param>
    /// <param name="keys">this row's keys of one layer: per kv head, capacity/Block blocks as <see cref="KeyOffset"/> lays out.</param>
    /// <param name="values">this row's values of one layer, [kvHeads, capacity, headDim].</param>
    /// <param name="capacity">positions per head in the cache, a multiple of <see cref="Block"/>.</param>
    /// <param name="first">first cache position this row may attend to (after its left padding).</param>
    /// <param name="last">the query's own cache position (inclusive).</param>
    /// <param name="scores">scratch of at least <paramref name="capacity"/> floats.</param>
    /// <param name="output">[heads * headDim] attention output.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Attend(float* query, float* keys, float* values, int capacity, int first, int last,
        int heads, int kvHeads, int headDim, float* scores, float* output)
    {
        int count = last - first + 1, group = heads / kvHeads, block = Block;
        int firstBlock = first / block, lastBlock = last / block;
        var scale = new Vector<float>(1f / MathF.Sqrt(headDim));
        var minusInfinity = new Vector<float>(float.NegativeInfinity);
        for (int h = 0; h < heads; h++)
        {
            float* q = query + h * headDim;
            long headOffset = (long)(h / group) * capacity * headDim;
            float* k = keys + headOffset;
            var peaks = minusInfinity;
            for (int b = firstBlock; b <= lastBlock; b++)
            {
                float* kb = k + (long)b * headDim * block;
                var sum = Vector<float>.Zero;
                for (int d = 0; d < headDim; d++)
                    sum = Vector.MultiplyAddEstimate(new Vector<float>(q[d]), *(Vector<float>*)(kb + d * block), sum);
                sum *= scale;
                // Lanes before `first` (left padding) or after `last` (not written yet) drop out of the softmax.
                if (b == firstBlock || b == lastBlock)
                {
                    var position = new Vector<int>(b * block) + Vector<int>.Indices;
                    var attended = Vector.GreaterThanOrEqual(position, new Vector<int>(first)) & Vector.LessThanOrEqual(position, new Vector<int>(last));
                    sum = Vector.ConditionalSelect(attended, sum, minusInfinity);
                }
                *(Vector<float>*)(scores + b * block) = sum;
                peaks = Vector.Max(peaks, sum);
            }

            // Softmax without its division, in one pass over the blocks: the weighted sum is divided once by the total.
            float max = float.NegativeInfinity;
            for (int i = 0; i < block; i++) max = MathF.Max(max, peaks[i]);
            var peak = new Vector<float>(max);
            var totals = Vector<float>.Zero;
            for (int b = firstBlock; b <= lastBlock; b++)
            {
                var weight = Vector.Exp(*(Vector<float>*)(scores + b * block) - peak);
                *(Vector<float>*)(scores + b * block) = weight;
                totals += weight;
            }
            float total = Vector.Sum(totals);

            float* o = output + h * headDim;
            WeightedSum(scores + first, values + headOffset + (long)first * headDim, count, headDim, o);
            TensorPrimitives.Multiply(new ReadOnlySpan<float>(o, headDim), 1f / total, new Span<float>(o, headDim));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void WeightedSum(float* weights, float* v, int count, int headDim, float* output)
    {
        int width = Vector<float>.Count;
        if (headDim == width)
        {
            // Four independent chains, so the multiply-adds overlap instead of each waiting for the previous one.
            Vector<float> s0 = default, s1 = default, s2 = default, s3 = default;
            int s = 0;
            for (; s + 4 <= count; s += 4)
            {
                float* vs = v + (long)s * headDim;
                s0 = Vector.MultiplyAddEstimate(new Vector<float>(weights[s]), *(Vector<float>*)vs, s0);
                s1 = Vector.MultiplyAddEstimate(new Vector<float>(weights[s + 1]), *(Vector<float>*)(vs + headDim), s1);
                s2 = Vector.MultiplyAddEstimate(new Vector<float>(weights[s + 2]), *(Vector<float>*)(vs + 2 * headDim), s2);
                s3 = Vector.MultiplyAddEstimate(new Vector<float>(weights[s + 3]), *(Vector<float>*)(vs + 3 * headDim), s3);
            }
            for (; s < count; s++)
                s0 = Vector.MultiplyAddEstimate(new Vector<float>(weights[s]), *(Vector<float>*)(v + (long)s * headDim), s0);
            *(Vector<float>*)output = (s0 + s1) + (s2 + s3);
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
