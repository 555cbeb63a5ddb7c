using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using Preference.Models.Generation.CpuFastPath.Kernels;
using Preference.Models.Llama;

namespace Preference.Models.Generation.CpuFastPath;

/// <summary>
/// The LLaMA layer stack over raw float buffers, the one forward both fused paths run: generation
/// (<see cref="FusedLlamaDecoder"/>, a prompt then one token per step) and whole-sequence scoring
/// (<see cref="FusedLlamaPrefill"/>). Embeds token ids into a worker's residual stream and runs every decoder layer,
/// storing each position's rotated key and its value in the row's cache as it goes. The final norm and what is read
/// from the result (logits, a reward) stay with the caller.
/// </summary>
internal sealed unsafe class FusedLlamaLayers(LlamaConfig config, LlamaWeightViews weights)
{
    readonly int _dim = config.HiddenSize, _qDim = config.NumAttentionHeads * config.HeadDim, _kvDim = config.KeyValueHeads * config.HeadDim;
    readonly float _eps = (float)config.RmsNormEps;

    public LlamaWeightViews Weights => weights;

    /// <summary>
    /// Rows [0, rowCount) of <paramref name="cache"/> at cache positions [firstIndex, firstIndex + steps), token ids
    /// [rowCount, steps] already checked against the vocabulary; leaves the residual stream, [rowCount * steps, hidden]
    /// before the final norm, in <c>s.Hidden</c>.
    /// </summary>
    /// <param name="firstReal">per row, the cache position of its first real token (after left padding).</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Run(WorkerScratch s, int* tokens, int rowCount, int steps, int firstIndex, KvCacheRows cache, ReadOnlySpan<int> firstReal,
        int matmulThreads)
    {
        var c = config;
        int rows = rowCount * steps, headDim = c.HeadDim, half = headDim / 2;

        for (int r = 0; r < rows; r++)
            new ReadOnlySpan<float>(weights.Embedding + (long)tokens[r] * _dim, _dim).CopyTo(new Span<float>(s.Hidden + (long)r * _dim, _dim));

        for (int layer = 0; layer < c.NumHiddenLayers; layer++)
        {
            var w = weights.Layers[layer];
            RmsNormKernel.Normalize(s.Hidden, s.Normed, rows, _dim, w.InputNorm, _eps);
            MatMulKernel.Multiply(s.Normed, rows, _dim, w.Query, w.QueryBias, _qDim, s.Query, matmulThreads);
            MatMulKernel.Multiply(s.Normed, rows, _dim, w.Key, w.KeyBias, _kvDim, s.Key, matmulThreads);
            MatMulKernel.Multiply(s.Normed, rows, _dim, w.Value, w.ValueBias, _kvDim, s.Value, matmulThreads);

            // Rotate and store every new key first: a prompt position attends to later-stored earlier positions.
            for (int i = 0; i < rowCount; i++)
            {
                float* keys = cache.Keys(layer, i), values = cache.Values(layer, i);
                for (int t = 0; t < steps; t++)
                {
                    int r = i * steps + t, index = firstIndex + t, position = index - firstReal[i];
                    if (position < 0) continue; // left padding: never attended to
                    float* cos = weights.Cos + (long)position * half, sin = weights.Sin + (long)position * half;
                    RotaryKernel.Rotate(s.Query + (long)r * _qDim, c.NumAttentionHeads, headDim, cos, sin, c.RopeInterleaved);
                    RotaryKernel.Rotate(s.Key + (long)r * _kvDim, c.KeyValueHeads, headDim, cos, sin, c.RopeInterleaved);
                    for (int h = 0; h < c.KeyValueHeads; h++)
                    {
                        long head = (long)h * cache.Capacity * headDim;
                        float* key = s.Key + (long)r * _kvDim + h * headDim;
                        for (int d = 0; d < headDim; d++) keys[head + AttentionKernel.KeyOffset(index, d, headDim)] = key[d];
                        new ReadOnlySpan<float>(s.Value + (long)r * _kvDim + h * headDim, headDim)
                            .CopyTo(new Span<float>(values + head + (long)index * headDim, headDim));
                    }
                }
                for (int t = 0; t < steps; t++)
                {
                    int r = i * steps + t, index = firstIndex + t;
                    float* output = s.Attention + (long)r * _qDim;
                    if (index < firstReal[i]) new Span<float>(output, _qDim).Clear();
                    else AttentionKernel.Attend(s.Query + (long)r * _qDim, keys, values, cache.Capacity, firstReal[i], index,
                        c.NumAttentionHeads, c.KeyValueHeads, headDim, s.Scores, output);
                }
            }
            MatMulKernel.Multiply(s.Attention, rows, _qDim, w.Output, null, _dim, s.Normed, matmulThreads);
            AddInto(s.Hidden, s.Normed, (long)rows * _dim);

            RmsNormKernel.Normalize(s.Hidden, s.Normed, rows, _dim, w.PostAttentionNorm, _eps);
            MatMulKernel.Multiply(s.Normed, rows, _dim, w.Gate, null, c.IntermediateSize, s.Gate, matmulThreads);
            MatMulKernel.Multiply(s.Normed, rows, _dim, w.Up, null, c.IntermediateSize, s.Up, matmulThreads);
            SwiGluKernel.Apply(s.Gate, s.Up, (long)rows * c.IntermediateSize);
            MatMulKernel.Multiply(s.Gate, rows, c.IntermediateSize, w.Down, null, _dim, s.Normed, matmulThreads);
            AddInto(s.Hidden, s.Normed, (long)rows * _dim);
        }
    }

    static void AddInto(float* target, float* addend, long length) =>
        TensorPrimitives.Add(new ReadOnlySpan<float>(target, checked((int)length)), new ReadOnlySpan<float>(addend, (int)length),
            new Span<float>(target, (int)length));
}
