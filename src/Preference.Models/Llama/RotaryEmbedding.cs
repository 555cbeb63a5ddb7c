using TorchSharp;
using static TorchSharp.torch;

namespace Preference.Models.Llama;

/// <summary>
/// Rotary position embeddings. Cos/sin tables are computed once for every position up to the context length; a
/// forward pass gathers the rows for its positions. Supports both pairings of dimensions: adjacent (llama2.c) and
/// half-split (Hugging Face), and linear or llama3 frequency scaling.
/// </summary>
public sealed class RotaryEmbedding : nn.Module
{
    readonly bool _interleaved;
    // Not buffers: TorchSharp 0.107's Module.to left this submodule's non-persistent buffers on the CPU when the model
    // moved to CUDA (seen on an H100), and it turns complex buffers real on a dtype change. The tables live in a holder
    // that RegisterComponents does not see, and follow the device of the positions themselves.
    readonly RotaryTableSet _tables;

    public RotaryEmbedding(LlamaConfig config) : base(nameof(RotaryEmbedding))
    {
        _interleaved = config.RopeInterleaved;
        var inverseFrequencies = InverseFrequencies(config);
        var positions = arange(config.MaxPositionEmbeddings, dtype: ScalarType.Float64);
        if (config.RopeScaling is { Kind: "linear" } linear) positions /= linear.Factor;
        var angles = outer(positions, inverseFrequencies);
        // [maxPositions, headDim/2], computed in float64 and stored in float32.
        _tables = new RotaryTableSet
        {
            Cos = angles.cos().to(ScalarType.Float32).DetachFromDisposeScope(),
            Sin = angles.sin().to(ScalarType.Float32).DetachFromDisposeScope(),
            // Adjacent pairs are complex numbers, so the rotation is one complex multiply: far fewer ops per step.
            Cis = _interleaved ? polar(ones_like(angles), angles).to(ScalarType.ComplexFloat32).DetachFromDisposeScope() : null,
        };
    }

    static Tensor InverseFrequencies(LlamaConfig config)
    {
        int half = config.HeadDim / 2;
        var frequencies = new double[half];
        for (int i = 0; i < half; i++)
            frequencies[i] = 1.0 / Math.Pow(config.RopeTheta, 2.0 * i / config.HeadDim);
        if (config.RopeScaling is { Kind: "llama3" } s) ScaleLlama3(frequencies, s);
        return tensor(frequencies, ScalarType.Float64);
    }

    // Llama 3.1: long wavelengths are slowed by `factor`, short ones kept, the band between interpolated smoothly.
    static void ScaleLlama3(double[] frequencies, RopeScaling s)
    {
        double lowWavelength = s.OriginalMaxPositionEmbeddings / s.LowFreqFactor;
        double highWavelength = s.OriginalMaxPositionEmbeddings / s.HighFreqFactor;
        for (int i = 0; i < frequencies.Length; i++)
        {
            double wavelength = 2 * Math.PI / frequencies[i];
            if (wavelength > lowWavelength) frequencies[i] /= s.Factor;
            else if (wavelength >= highWavelength)
            {
                double smooth = (s.OriginalMaxPositionEmbeddings / wavelength - s.LowFreqFactor) / (s.HighFreqFactor - s.LowFreqFactor);
                frequencies[i] = (1 - smooth) * frequencies[i] / s.Factor + smooth * frequencies[i];
            }
        }
    }

    /// <summary>The rotations for [B, T] positions, shaped [B, 1, T, headDim/2] to broadcast over heads.</summary>
    public RotaryTables At(Tensor positionIds, ScalarType dtype)
    {
        _tables.FollowDevice(positionIds.device);
        long batch = positionIds.shape[0], steps = positionIds.shape[1];
        var flat = positionIds.flatten();
        Tensor Gather(Tensor table) => table.index_select(0, flat).view(batch, 1, steps, -1);
        if (_tables.Cis is { } cis && dtype == ScalarType.Float32) return new RotaryTables(null, null, Gather(cis));
        var (cos, sin) = (Gather(_tables.Cos), Gather(_tables.Sin));
        return dtype == ScalarType.Float32 ? new RotaryTables(cos, sin, null) : new RotaryTables(cos.to(dtype), sin.to(dtype), null);
    }

    /// <summary>The float32 [maxPositions, headDim/2] cos and sin tables, on <paramref name="device"/> (fused kernels read them).</summary>
    internal (Tensor Cos, Tensor Sin) TablesOn(Device device)
    {
        _tables.FollowDevice(device);
        return (_tables.Cos, _tables.Sin);
    }

    /// <summary>Rotates [B, heads, T, headDim] queries or keys.</summary>
    public Tensor Apply(Tensor x, RotaryTables tables)
    {
        if (tables.Cis is { } cis)
            return view_as_real(view_as_complex(x.view([.. x.shape[..^1], x.shape[^1] / 2, 2])) * cis).view(x.shape);
        var (cos, sin) = (tables.Cos!, tables.Sin!);
        if (_interleaved)
        {
            var pairs = x.view([.. x.shape[..^1], x.shape[^1] / 2, 2]);
            var even = pairs.select(-1, 0);
            var odd = pairs.select(-1, 1);
            return stack([even * cos - odd * sin, even * sin + odd * cos], -1).flatten(-2);
        }
        var halves = x.chunk(2, -1);
        return cat([halves[0] * cos - halves[1] * sin, halves[1] * cos + halves[0] * sin], -1);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _tables.Dispose();
        base.Dispose(disposing);
    }
}

/// <summary>The precomputed [maxPositions, headDim/2] rotation tables of one <see cref="RotaryEmbedding"/>.</summary>
sealed class RotaryTableSet : IDisposable
{
    public required Tensor Cos { get; set; }
    public required Tensor Sin { get; set; }
    public Tensor? Cis { get; set; }

    public void FollowDevice(Device device)
    {
        // Device(-1) means "the current one" of its type; tensors always report a concrete index.
        if (Cos.device_type == device.type && (device.index < 0 || Cos.device_index == device.index)) return;
        Cos = Move(Cos, device);
        Sin = Move(Sin, device);
        if (Cis is { } cis) Cis = Move(cis, device);
    }

    static Tensor Move(Tensor table, Device device)
    {
        var moved = table.to(device).DetachFromDisposeScope();
        if (!ReferenceEquals(moved, table)) table.Dispose();
        return moved;
    }

    public void Dispose()
    {
        Cos.Dispose();
        Sin.Dispose();
        Cis?.Dispose();
    }
}

/// <summary>Rotations gathered for one forward pass: complex factors (adjacent pairs, fp32) or cos/sin tables.</summary>
public sealed record RotaryTables(Tensor? Cos, Tensor? Sin, Tensor? Cis);
