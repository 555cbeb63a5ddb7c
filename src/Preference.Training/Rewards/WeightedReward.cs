using Preference.Core.Rewards;

namespace Preference.Training.Rewards;

/// <summary>A reward source with the weight it contributes to a sum.</summary>
public sealed record WeightedSource(IRewardSource Source, double Weight);

/// <summary>
/// The weighted sum of several sources (e.g. 1.0 × reward model + 0.5 × keyword rule). Each part's mean is kept so
/// runs can log <c>reward/NAME</c> next to the total.
/// </summary>
public sealed class WeightedReward : IRewardSource
{
    readonly IReadOnlyList<WeightedSource> _parts;

    public WeightedReward(string name, IReadOnlyList<WeightedSource> parts)
    {
        if (parts.Count == 0) throw new ArgumentException("a weighted reward needs at least one source", nameof(parts));
        if (parts.Any(p => !double.IsFinite(p.Weight))) throw new ArgumentException("reward weights must be finite", nameof(parts));
        Name = name;
        _parts = parts;
    }

    public string Name { get; }

    public IReadOnlyList<WeightedSource> Parts => _parts;

    /// <summary>Mean raw score of each part in the last batch, by part name.</summary>
    public IReadOnlyDictionary<string, double> LastPartMeans { get; private set; } = new Dictionary<string, double>();

    public async Task<float[]> ScoreAsync(IReadOnlyList<RewardInput> batch, CancellationToken cancellationToken = default) =>
        (await ScorePartsAsync(batch, cancellationToken)).Total;

    /// <summary>Scores every part once and returns the weighted total together with each part's raw scores.</summary>
    public async Task<WeightedScores> ScorePartsAsync(IReadOnlyList<RewardInput> batch, CancellationToken cancellationToken = default)
    {
        var total = new float[batch.Count];
        var parts = new Dictionary<string, float[]>();
        var means = new Dictionary<string, double>();
        foreach (var part in _parts)
        {
            var scores = await part.Source.ScoreAsync(batch, cancellationToken);
            if (scores.Length != batch.Count)
                throw new InvalidOperationException($"reward '{part.Source.Name}' returned {scores.Length} scores for {batch.Count} completions");
            for (int i = 0; i < total.Length; i++) total[i] += (float)(part.Weight * scores[i]);
            parts[part.Source.Name] = scores;
            means[part.Source.Name] = scores.Length == 0 ? 0 : scores.Average();
        }
        LastPartMeans = means;
        return new WeightedScores(total, parts);
    }
}
