using Preference.Training.Reward.Data;

namespace Preference.Training.Tests.Reward;

/// <summary>
/// Pairs only a reference answer can decide: per question one of two disjoint word pools is "right" at random, the
/// reference and the preferred answer are drawn from it, the other answer from the other pool. Both answers have the
/// same length and shape and neither appears in the prompt, so the prompt, the answers and grounding features alone
/// carry no signal.
/// </summary>
public static class ReferencePreferences
{
    static readonly string[] First = ["river", "castle", "king", "bridge", "harbour", "tower"];
    static readonly string[] Second = ["zebra", "quartz", "violin", "comet", "lemon", "glacier"];

    public static List<RewardPair> ReferenceWins(int count, int seed)
    {
        var random = new Random(seed);
        string Sentence(string[] pool) => string.Join(" ", Enumerable.Range(0, 5).Select(_ => pool[random.Next(pool.Length)])) + ".";
        return Enumerable.Range(0, count).Select(i =>
        {
            var (right, wrong) = random.Next(2) == 0 ? (First, Second) : (Second, First);
            var prompt = $"\n\nHuman: Tell me about item {i}.\n\nAssistant:";
            return new RewardPair($"q{i}", prompt, Sentence(right), Sentence(wrong), Reference: Sentence(right) + " " + Sentence(right));
        }).ToList();
    }
}
