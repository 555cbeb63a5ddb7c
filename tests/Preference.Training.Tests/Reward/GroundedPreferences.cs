using Preference.Training.Reward.Data;

namespace Preference.Training.Tests.Reward;

/// <summary>
/// Question-with-passages pairs where the right answer is known: the preferred answer repeats a passage sentence, the
/// other says as many words that no passage contains. Only a model that reads the passages can tell them apart.
/// </summary>
public static class GroundedPreferences
{
    static readonly string[] Known = ["river", "castle", "king", "war", "bridge", "harbour", "treaty", "village", "mill", "tower", "forest", "road"];
    static readonly string[] Invented = ["zebra", "quartz", "violin", "comet", "lemon", "glacier", "pixel", "saturn", "tulip", "oboe", "nickel", "cactus"];

    public static List<RewardPair> SupportedWins(int count, int seed)
    {
        var random = new Random(seed);
        string Sentence(string[] pool) => string.Join(" ", Enumerable.Range(0, 5).Select(_ => pool[random.Next(pool.Length)])) + ".";
        return Enumerable.Range(0, count).Select(i =>
        {
            var sentences = Enumerable.Range(0, 4).Select(_ => Sentence(Known)).ToList();
            var prompt = new QaPrompt($"What happened at place {i}?", [new Passage($"Place {i}", sentences)]).Format();
            return new RewardPair($"q{i}", prompt, sentences[random.Next(sentences.Count)], Sentence(Invented));
        }).ToList();
    }
}
