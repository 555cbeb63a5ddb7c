using Preference.Models.Generation.CpuFastPath.Kernels;
using Preference.Models.Llama;

namespace Preference.Models.Generation.CpuFastPath;

/// <summary>One worker's activations for up to <c>rows</c> token positions, allocated once per generation.</summary>
internal sealed unsafe class WorkerScratch(int rows, LlamaConfig config, int capacity)
{
    readonly PinnedBuffer<float> _hidden = new((long)rows * config.HiddenSize);
    readonly PinnedBuffer<float> _normed = new((long)rows * config.HiddenSize);
    readonly PinnedBuffer<float> _query = new((long)rows * config.NumAttentionHeads * config.HeadDim);
    readonly PinnedBuffer<float> _attention = new((long)rows * config.NumAttentionHeads * config.HeadDim);
    readonly PinnedBuffer<float> _key = new((long)rows * config.KeyValueHeads * config.HeadDim);
    readonly PinnedBuffer<float> _value = new((long)rows * config.KeyValueHeads * config.HeadDim);
    readonly PinnedBuffer<float> _gate = new((long)rows * config.IntermediateSize);
    readonly PinnedBuffer<float> _up = new((long)rows * config.IntermediateSize);
    readonly PinnedBuffer<float> _scores = new(capacity);

    /// <summary>The residual stream, [rows, hidden].</summary>
    public float* Hidden => _hidden.Pointer;

    /// <summary>Normalised input of a block, and the block's output before it joins the residual stream.</summary>
    public float* Normed => _normed.Pointer;

    public float* Query => _query.Pointer;
    public float* Attention => _attention.Pointer;
    public float* Key => _key.Pointer;
    public float* Value => _value.Pointer;
    public float* Gate => _gate.Pointer;
    public float* Up => _up.Pointer;
    public float* Scores => _scores.Pointer;
}
