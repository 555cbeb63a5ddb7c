using TorchSharp;
using static TorchSharp.torch;

namespace Preference.Models.Decoding;

/// <summary>
/// Keys and values of every layer for a batch, preallocated to the longest sequence the generation can reach, so
/// decoding writes into a fixed buffer instead of concatenating a new tensor per token.
/// </summary>
public sealed class KvCache : IDisposable
{
    readonly Tensor[] _keys;
    readonly Tensor[] _values;

    public KvCache(int layers, long batch, long kvHeads, long capacity, long headDim, ScalarType dtype, Device device)
    {
        Capacity = capacity;
        _keys = new Tensor[layers];
        _values = new Tensor[layers];
        for (int i = 0; i < layers; i++)
        {
            _keys[i] = zeros([batch, kvHeads, capacity, headDim], dtype, device);
            _values[i] = zeros([batch, kvHeads, capacity, headDim], dtype, device);
        }
    }

    public long Capacity { get; }

    /// <summary>Positions already filled, the same for every row (rows are left-padded to a common length).</summary>
    public long Length { get; private set; }

    /// <summary>Writes this step's keys/values ([B, kvHeads, T, headDim]) for a layer and returns all of them so far.</summary>
    public (Tensor Keys, Tensor Values) Append(int layer, Tensor keys, Tensor values)
    {
        long steps = keys.shape[2];
        if (Length + steps > Capacity)
            throw new InvalidOperationException($"KV cache holds {Capacity} positions; {Length + steps} needed");
        _keys[layer].narrow(2, Length, steps).copy_(keys);
        _values[layer].narrow(2, Length, steps).copy_(values);
        return (_keys[layer].narrow(2, 0, Length + steps), _values[layer].narrow(2, 0, Length + steps));
    }

    /// <summary>Called once per forward pass after every layer has appended.</summary>
    public void Advance(long steps) => Length += steps;

    public void Dispose()
    {
        foreach (var t in _keys) t.Dispose();
        foreach (var t in _values) t.Dispose();
    }
}
