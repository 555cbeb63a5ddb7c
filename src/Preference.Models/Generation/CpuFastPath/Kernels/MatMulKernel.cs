using System.Numerics;
using System.Runtime.CompilerServices;

namespace Preference.Models.Generation.CpuFastPath.Kernels;

/// <summary>
/// y[r, o] = bias[o] + x[r, :] · w[o, :] for a row-major weight [out, in] as nn.Linear stores it, read in place.
/// Register-blocked as 4 rows x 2 outputs so each loaded weight vector serves four rows (weight-stationary); rows that
/// do not fill a block of four use 1 x 4 blocks so a single row (batch-1 decoding) still reuses each loaded input vector.
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
        // Slices a multiple of 8 wide so the workers never write the same cache line of y.
        int slice = (outDim / threads + 7) & ~7;
        int slices = (outDim + slice - 1) / slice;
        Parallel.For(0, slices, new ParallelOptions { MaxDegreeOfParallelism = threads },
            s => Multiply(x, rows, inDim, w, bias, outDim, y, s * slice, Math.Min(outDim, (s + 1) * slice)));
    }

    /// <summary>Outputs [outStart, outEnd) of every row; y rows are outDim apart.</summary>
    public static void Multiply(float* x, int rows, int inDim, float* w, float* bias, int outDim, float* y, int outStart, int outEnd)
    {
        int r = 0;
        for (; r + 4 <= rows; r += 4)
        {
            float* x0 = x + (long)r * inDim, x1 = x0 + inDim, x2 = x1 + inDim, x3 = x2 + inDim;
            float* y0 = y + (long)r * outDim, y1 = y0 + outDim, y2 = y1 + outDim, y3 = y2 + outDim;
            int o = outStart;
            for (; o + 2 <= outEnd; o += 2)
            {
                Dot4x2(x0, x1, x2, x3, w + (long)o * inDim, w + (long)(o + 1) * inDim, inDim, out var r00, out var r01,
                    out var r10, out var r11, out var r20, out var r21, out var r30, out var r31);
                float b0 = bias == null ? 0 : bias[o], b1 = bias == null ? 0 : bias[o + 1];
                y0[o] = r00 + b0; y0[o + 1] = r01 + b1;
                y1[o] = r10 + b0; y1[o + 1] = r11 + b1;
                y2[o] = r20 + b0; y2[o + 1] = r21 + b1;
                y3[o] = r30 + b0; y3[o + 1] = r31 + b1;
            }
            for (; o < outEnd; o++)
            {
                float* wo = w + (long)o * inDim;
                float b = bias == null ? 0 : bias[o];
                y0[o] = Dot(x0, wo, inDim) + b;
                y1[o] = Dot(x1, wo, inDim) + b;
                y2[o] = Dot(x2, wo, inDim) + b;
                y3[o] = Dot(x3, wo, inDim) + b;
            }
        }
        for (; r < rows; r++)
        {
            float* xr = x + (long)r * inDim;
            float* yr = y + (long)r * outDim;
            int o = outStart;
            for (; o + 4 <= outEnd; o += 4)
            {
                float* w0 = w + (long)o * inDim;
                Dot1x4(xr, w0, w0 + inDim, w0 + 2 * inDim, w0 + 3 * inDim, inDim, out var d0, out var d1, out var d2, out var d3);
                yr[o] = d0 + (bias == null ? 0 : bias[o]);
                yr[o + 1] = d1 + (bias == null ? 0 : bias[o + 1]);
                yr[o + 2] = d2 + (bias == null ? 0 : bias[o + 2]);
                yr[o + 3] = d3 + (bias == null ? 0 : bias[o + 3]);
            }
            for (; o < outEnd; o++)
                yr[o] = Dot(xr, w + (long)o * inDim, inDim) + (bias == null ? 0 : bias[o]);
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

    static void Dot4x2(float* x0, float* x1, float* x2, float* x3, float* w0, float* w1, int n,
        out float r00, out float r01, out float r10, out float r11, out float r20, out float r21, out float r30, out float r31)
    {
        int width = Vector<float>.Count, i = 0;
        Vector<float> a00 = default, a01 = default, a10 = default, a11 = default;
        Vector<float> a20 = default, a21 = default, a30 = default, a31 = default;
        for (; i + width <= n; i += width)
        {
            var v0 = *(Vector<float>*)(w0 + i);
            var v1 = *(Vector<float>*)(w1 + i);
            var u = *(Vector<float>*)(x0 + i);
            a00 = Vector.MultiplyAddEstimate(u, v0, a00); a01 = Vector.MultiplyAddEstimate(u, v1, a01);
            u = *(Vector<float>*)(x1 + i);
            a10 = Vector.MultiplyAddEstimate(u, v0, a10); a11 = Vector.MultiplyAddEstimate(u, v1, a11);
            u = *(Vector<float>*)(x2 + i);
            a20 = Vector.MultiplyAddEstimate(u, v0, a20); a21 = Vector.MultiplyAddEstimate(u, v1, a21);
            u = *(Vector<float>*)(x3 + i);
            a30 = Vector.MultiplyAddEstimate(u, v0, a30); a31 = Vector.MultiplyAddEstimate(u, v1, a31);
        }
        r00 = Vector.Sum(a00); r01 = Vector.Sum(a01); r10 = Vector.Sum(a10); r11 = Vector.Sum(a11);
        r20 = Vector.Sum(a20); r21 = Vector.Sum(a21); r30 = Vector.Sum(a30); r31 = Vector.Sum(a31);
        for (; i < n; i++)
        {
            float p0 = w0[i], p1 = w1[i];
            r00 += x0[i] * p0; r01 += x0[i] * p1;
            r10 += x1[i] * p0; r11 += x1[i] * p1;
            r20 += x2[i] * p0; r21 += x2[i] * p1;
            r30 += x3[i] * p0; r31 += x3[i] * p1;
        }
    }

    static void Dot1x4(float* x, float* w0, float* w1, float* w2, float* w3, int n,
        out float d0, out float d1, out float d2, out float d3)
    {
        int width = Vector<float>.Count, i = 0;
        Vector<float> a0 = default, a1 = default, a2 = default, a3 = default;
        for (; i + width <= n; i += width)
        {
            var u = *(Vector<float>*)(x + i);
            a0 = Vector.MultiplyAddEstimate(u, *(Vector<float>*)(w0 + i), a0);
            a1 = Vector.MultiplyAddEstimate(u, *(Vector<float>*)(w1 + i), a1);
            a2 = Vector.MultiplyAddEstimate(u, *(Vector<float>*)(w2 + i), a2);
            a3 = Vector.MultiplyAddEstimate(u, *(Vector<float>*)(w3 + i), a3);
        }
        d0 = Vector.Sum(a0); d1 = Vector.Sum(a1); d2 = Vector.Sum(a2); d3 = Vector.Sum(a3);
        for (; i < n; i++)
        {
            d0 += x[i] * w0[i]; d1 += x[i] * w1[i]; d2 += x[i] * w2[i]; d3 += x[i] * w3[i];
        }
    }
}
