using Preference.Core.Rewards;

namespace Preference.Training.Rewards;

/// <summary>Builds the weighted sum a config's <c>rewards</c> list describes.</summary>
public static class RewardSources
{
    /// <param name="external">Builds the kinds that need more than training has (reward_model loading, judges); null refuses them.</param>
    public static WeightedReward Build(IReadOnlyList<RewardSpec> specs, Func<RewardSpec, string, IRewardSource>? external = null)
    {
        if (specs.Count == 0) throw new ArgumentException("rewards: at least one reward source is required");
        var parts = specs.Select((spec, i) =>
        {
            var name = spec.DisplayName(i);
            IRewardSource source = spec.Kind switch
            {
                "keyword" => RegexReward.Keyword(name, spec.Keyword!, 1, spec.MaxMatches),
                "regex" => RegexReward.Create(name, spec.Pattern!, 1, spec.MaxMatches, spec.IgnoreCase),
                "length" => LengthReward.Create(name, spec.TargetLength, spec.LengthScale),
                "http" => new HttpReward(name, new Uri(spec.Url!), new HttpClient { Timeout = TimeSpan.FromSeconds(spec.TimeoutSeconds) }),
                _ when external is not null => external(spec, name),
                _ => throw new ArgumentException($"rewards[{i}].kind: '{spec.Kind}' cannot be built here"),
            };
            return new WeightedSource(source, spec.Weight);
        }).ToList();
        return new WeightedReward("reward", parts);
    }
}
