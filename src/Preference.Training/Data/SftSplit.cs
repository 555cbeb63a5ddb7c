using Preference.Training.Common;

namespace Preference.Training.Data;

/// <summary>
/// A deterministic train/validation split: the same seed and data give the same split on every machine and on resume.
/// </summary>
public static class SftSplit
{
    public static (IReadOnlyList<T> Train, IReadOnlyList<T> Validation) Split<T>(IReadOnlyList<T> items, double validationFraction, long seed)
    {
        if (validationFraction <= 0) return (items, []);
        int validation = Math.Max(1, (int)Math.Round(items.Count * validationFraction));
        if (validation >= items.Count)
            throw new SftDataException($"validation_split {validationFraction} leaves no training examples out of {items.Count}");
        // Epoch -1 keeps this permutation apart from the training order of epoch 0.
        var order = DataOrder.Shuffled(items.Count, seed, epoch: -1);
        var validationSet = order[..validation].Order().Select(i => items[i]).ToList();
        var trainSet = order[validation..].Order().Select(i => items[i]).ToList();
        return (trainSet, validationSet);
    }
}
