using Preference.Models.Generation.CpuFastPath.Kernels;

namespace Preference.Models.Generation.CpuFastPath;

/// <summary>
/// Where consecutive rows' KV caches live: one layer's keys (in <see cref="AttentionKernel"/>'s blocks) and values of
/// row i start at base + layer * layerStride + i * rowStride, <paramref name="capacity"/> positions per kv head.
/// </summary>
internal readonly unsafe struct KvCacheRows(float* keys, float* values, long layerStride, long rowStride, int capacity)
{
    public int Capacity => capacity;

    public float* Keys(int layer, int row) => keys + layer * layerStride + row * rowStride;

    public float* Values(int layer, int row) => values + layer * layerStride + row * rowStride;
}
