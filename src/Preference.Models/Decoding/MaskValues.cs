using TorchSharp;

namespace Preference.Models.Decoding;

/// <summary>
/// Fill values for attention and sampling masks. TorchSharp's <see cref="Scalar"/> holds a raw native pointer freed by
/// a finalizer, so one made implicitly for a single call can be collected while libtorch still reads it (seen once as
/// "toFloat Expected false to be true" inside masked_fill); these live as long as the process.
/// </summary>
internal static class MaskValues
{
    public static readonly Scalar NegativeInfinity = float.NegativeInfinity.ToScalar();
}
