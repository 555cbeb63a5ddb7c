using System.Runtime.CompilerServices;

namespace Preference.Models.Generation.CpuFastPath.Kernels;

/// <summary>
/// Rotates every head of one position's queries or keys by that position's angles, with the model's own cos/sin
/// tables. Pairs are adjacent dimensions (llama2.c / Meta layout) or dimension i with i + headDim/2 (Hugging Face).
/// </summary>
internal static unsafe class RotaryKernel
{
    /// <param name="x">[heads * headDim], rotated in place.</param>
    /// <param name="cos">the position's row of the cos table, headDim/2 angles.</param>
    /// <param name="sin">the position's row of the sin table.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Rotate(float* x, int heads, int headDim, float* cos, float* sin, bool interleaved)
    {
        int half = headDim / 2;
        for (int h = 0; h < heads; h++)
        {
            float* p = x + h * headDim;
            if (interleaved)
            {
                for (int i = 0; i < half; i++)
                {
                    float a = p[2 * i], b = p[2 * i + 1], c = cos[i], s = sin[i];
                    p[2 * i] = a * c - b * s;
                    p[2 * i + 1] = a * s + b * c;
                }
            }
            else
            {
                for (int i = 0; i < half; i++)
                {
                    float a = p[i], b = p[i + half], c = cos[i], s = sin[i];
                    p[i] = a * c - b * s;
                    p[i + half] = b * c + a * s;
                }
            }
        }
    }
}
