using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Preference.Models.Generation.CpuFastPath.Kernels;

/// <summary>
/// y[r, o] = bias[o] + x[r, :] · w[o, :] for a row-major weight [out, in] as nn.Linear stores it, read in place.
/// Register-blocked as 2 rows x 4 outputs, so each loaded weight vector serves two rows and each input vector four
/// outputs; the four dot products of a row are reduced together with three horizontal adds (AVX) instead of one
/// full horizontal sum each, which at head-size-8 model widths costs as much as the multiply-adds themselves.
/// Without AVX+FMA the same blocking runs on Vector&lt;T&gt;.
/// </summary>
internal static unsafe class MatMulKernel
{
    // Below this many multiply-adds a Parallel.For costs more than it saves.
    const long ParallelThreshold = 1 << 20;

    /// <summary>All outputs, splitting them across up to <paramref name="threads"/> workers when the product is large.</summary>
    public static void Multiply(float* x, int rows, int inDim, float* w, float* bias, int outDim, float* y, int threads)
    {
        if (threads <= 1 || (long)rows * inDim * outDim < ParallelThreshold)
        {
            Multiply(x, rows, inDim, w, bias, outDim, y, 0, outDim);
            return;
        }
        // Several slices per worker, so a preempted worker holds up little; each a multiple of 8 wide so the workers
        // never write the same cache line of y.
        int slice = (outDim / (threads * 4) + 7) & ~7;
        int slices = (outDim + slice - 1) / slice;
        Parallel.For(0, slices, new ParallelOptions { MaxDegreeOfParallelism = threads },
            s => Multiply(x, rows, inDim, w, bias, outDim, y, s * slice, Math.Min(outDim, (s + 1) * slice)));
    }

    /// <summary>Outputs [outStart, outEnd) of every row; y rows are outDim apart.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Multiply(float* x, int rows, int inDim, float* w, float* bias, int outDim, float* y, int outStart, int outEnd)
    {
        Span<float> sums = stackalloc float[8];
        for (int r = 0; r < rows; r += 2)
        {
            bool pair = r + 1 < rows;
            float* x0 = x + (long)r * inDim, x1 = pair ? x0 + inDim : x0;
            float* y0 = y + (long)r * outDim, y1 = y0 + outDim;
            int o = outStart;
            for (; o + 4 <= outEnd; o += 4)
            {
                Dot2x4(x0, x1, w + (long)o * inDim, inDim, sums);
                for (int j = 0; j < 4; j++)
                {
                    float b = bias == null ? 0 : bias[o + j];
                    y0[o + j] = sums[j] + b;
                    if (pair) y1[o + j] = sums[4 + j] + b;
                }
            }
            for (; o < outEnd; o++)
            {
                float* wo = w + (long)o * inDim;
                float b = bias == null ? 0 : bias[o];
                y0[o] = Dot(x0, wo, inDim) + b;
                if (pair) y1[o] = Dot(x1, wo, inDim) + b;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Dot(float* a, float* b, int n)
    {
        int width = Vector<float>.Count, i = 0;
        var sum = Vector<float>.Zero;
        for (; i + width <= n; i += width)
            sum = Vector.MultiplyAddEstimate(*(Vector<float>*)(a + i), *(Vector<float>*)(b + i), sum);
        float total = Vector.Sum(sum);
        for (; i < n; i++) total += a[i] * b[i];
        return total;
    }

    /// <summary>Rows x0, x1 against the four consecutive weight rows at w: sums[0..4) for x0, sums[4..8) for x1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Dot2x4(float* x0, float* x1, float* w, int n, Span<float> sums)
    {
        float* w0 = w, w1 = w + n, w2 = w1 + n, w3 = w2 + n;
        int i = 0;
        if (Avx.IsSupported && Fma.IsSupported)
        {
            Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
            Vector256<float> b0 = default, b1 = default, b2 = default, b3 = default;
            for (; i + 8 <= n; i += 8)
            {
                var u = Avx.LoadVector256(x0 + i);
                var v = Avx.LoadVector256(x1 + i);
                var k = Avx.LoadVector256(w0 + i);
                a0 = Fma.MultiplyAdd(u, k, a0); b0 = Fma.MultiplyAdd(v, k, b0);
                k = Avx.LoadVector256(w1 + i);
                a1 = Fma.MultiplyAdd(u, k, a1); b1 = Fma.MultiplyAdd(v, k, b1);
                k = Avx.LoadVector256(w2 + i);
                a2 = Fma.MultiplyAdd(u, k, a2); b2 = Fma.MultiplyAdd(v, k, b2);
                k = Avx.LoadVector256(w3 + i);
                a3 = Fma.MultiplyAdd(u, k, a3); b3 = Fma.MultiplyAdd(v, k, b3);
            }
            Sum4(a0, a1, a2, a3).CopyTo(sums);
            Sum4(b0, b1, b2, b3).CopyTo(sums[4..]);
        }
        else
        {
            int width = Vector<float>.Count;
            Vector<float> a0 = default, a1 = default, a2 = default, a3 = default;
            Vector<float> b0 = default, b1 = default, b2 = default, b3 = default;
            for (; i + width <= n; i += width)
            {
                var u = *(Vector<float>*)(x0 + i);
                var v = *(Vector<float>*)(x1 + i);
                var k = *(Vector<float>*)(w0 + i);
                a0 = Vector.MultiplyAddEstimate(u, k, a0); b0 = Vector.MultiplyAddEstimate(v, k, b0);
                k = *(Vector<float>*)(w1 + i);
                a1 = Vector.MultiplyAddEstimate(u, k, a1); b1 = Vector.MultiplyAddEstimate(v, k, b1);
                k = *(Vector<float>*)(w2 + i);
                a2 = Vector.MultiplyAddEstimate(u, k, a2); b2 = Vector.MultiplyAddEstimate(v, k, b2);
                k = *(Vector<float>*)(w3 + i);
                a3 = Vector.MultiplyAddEstimate(u, k, a3); b3 = Vector.MultiplyAddEstimate(v, k, b3);
            }
            sums[0] = Vector.Sum(a0); sums[1] = Vector.Sum(a1); sums[2] = Vector.Sum(a2); sums[3] = Vector.Sum(a3);
            sums[4] = Vector.Sum(b0); sums[5] = Vector.Sum(b1); sums[6] = Vector.Sum(b2); sums[7] = Vector.Sum(b3);
        }
        for (; i < n; i++)
        {
            float u = x0[i], v = x1[i];
            sums[0] += u * w0[i]; sums[1] += u * w1[i]; sums[2] += u * w2[i]; sums[3] += u * w3[i];
            sums[4] += v * w0[i]; sums[5] += v * w1[i]; sums[6] += v * w2[i]; sums[7] += v * w3[i];
        }
    }

    /// <summary>The four horizontal sums of a0..a3 as one 128-bit vector.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector128<float> Sum4(Vector256<float> a0, Vector256<float> a1, Vector256<float> a2, Vector256<float> a3)
    {
        // Each hadd halves the lanes per source; the last leaves each sum split across the two 128-bit halves.
        var pairs = Avx.HorizontalAdd(Avx.HorizontalAdd(a0, a1), Avx.HorizontalAdd(a2, a3));
        return pairs.GetLower() + pairs.GetUpper();
    }
}
