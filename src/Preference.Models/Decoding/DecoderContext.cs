using TorchSharp;
using static TorchSharp.torch;

namespace Preference.Models.Decoding;

/// <summary>
/// What every layer of a decoder needs besides the hidden states: token positions, the attention bias (causal plus
/// padding) and the KV cache. Built once per forward pass, not per layer.
/// </summary>
public sealed class DecoderContext
{
    /// <summary>[B, T] absolute positions of the new tokens (left padding shifts them per row).</summary>
    public required Tensor PositionIds { get; init; }

    /// <summary>[B, 1, T, S] additive bias (0 or -inf), or null when the attention is plainly causal with no padding.</summary>
    public Tensor? AttentionBias { get; init; }

    public KvCache? Cache { get; init; }

    /// <summary>True when no bias is given and T &gt; 1, so attention can use the fused causal path.</summary>
    public bool IsCausal => AttentionBias is null && PositionIds.shape[1] > 1;

    /// <summary>A context for unpadded sequences with no cache (training on full rows, scoring).</summary>
    public static DecoderContext Causal(long batch, long length, Device device) => new()
    {
        PositionIds = arange(length, dtype: ScalarType.Int64, device: device).unsqueeze(0).expand(batch, length),
    };

    /// <summary>
    /// A context from a [B, S] 0/1 mask over all positions seen so far (cache plus new tokens), the new tokens being the
    /// last T. Positions count only real tokens; padded queries may attend to themselves so no softmax row is empty.
    /// </summary>
    public static DecoderContext FromAttentionMask(Tensor attentionMask, long newTokens, KvCache? cache, ScalarType dtype)
    {
        long total = attentionMask.shape[1];
        var device = attentionMask.device;
        var mask = attentionMask.to(ScalarType.Int64);
        var positions = (mask.cumsum(1) - 1).clamp_min(0).narrow(1, total - newTokens, newTokens);

        var queryIndex = arange(total - newTokens, total, dtype: ScalarType.Int64, device: device).unsqueeze(1);
        var keyIndex = arange(total, dtype: ScalarType.Int64, device: device).unsqueeze(0);
        var causal = keyIndex.le(queryIndex);                                    // [T, S]
        var allowed = causal.unsqueeze(0) & mask.to(ScalarType.Bool).unsqueeze(1); // [B, T, S]
        allowed = allowed | keyIndex.eq(queryIndex).unsqueeze(0);
        var bias = zeros(allowed.shape, dtype, device).masked_fill(allowed.logical_not(), MaskValues.NegativeInfinity);
        return new DecoderContext { PositionIds = positions, AttentionBias = bias.unsqueeze(1), Cache = cache };
    }
}
