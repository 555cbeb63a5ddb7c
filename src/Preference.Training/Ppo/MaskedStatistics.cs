using static TorchSharp.torch;

namespace Preference.Training.Ppo;

/// <summary>Means, variances and whitening over the real (mask = 1) tokens of a padded batch.</summary>
public static class MaskedStatistics
{
    public static Tensor Mean(Tensor values, Tensor mask) => (values * mask).sum() / mask.sum().clamp_min(1);

    public static Tensor Variance(Tensor values, Tensor mask)
    {
        var centered = values - Mean(values, mask);
        return Mean(centered.square(), mask);
    }

    /// <summary>(x − mean) / std over the masked entries; <paramref name="shiftMean"/> false keeps the mean (scale only).</summary>
    public static Tensor Whiten(Tensor values, Tensor mask, bool shiftMean = true)
    {
        var mean = Mean(values, mask);
        var whitened = (values - mean) * (Variance(values, mask) + 1e-8).rsqrt();
        return shiftMean ? whitened : whitened + mean;
    }
}
