using Preference.Training.Reward.Data;

namespace Preference.Training.Reward.Modeling;

/// <summary>
/// Numbers about how a completion stands on its source text — the passages of a <see cref="QaPrompt"/>, else the whole
/// prompt — that a small trunk cannot learn from a few hundred questions: how much of it the source supports (word,
/// bigram and trigram precision; supported and unsupported bigram counts), whether it repeats itself, its length,
/// whether its last sentence is finished, how much of the question and of the source it covers. qa-feedback's
/// annotators marked exactly these (wrong grounding, unverifiable, redundant, incoherent, missing information).
/// Computed from the full prompt, never the token window, so truncation cannot hide a passage from them.
/// </summary>
public static class GroundingFeatures
{
    public static readonly IReadOnlyList<string> Names =
    [
        "word_precision", "bigram_precision", "trigram_precision", "log_unsupported_bigrams", "log_supported_bigrams",
        "repeated_trigrams", "log_words", "ends_sentence", "question_coverage", "source_bigram_recall",
    ];

    public static int Count => Names.Count;

    public static float[] Of(string prompt, string completion)
    {
        var qa = QaPrompt.TryParse(prompt);
        var sourceText = qa is null ? prompt : string.Join('\n', qa.Sentences);
        var question = qa?.Question ?? prompt;
        var words = TextWords.Of(completion);
        var source = TextWords.Of(sourceText);

        var features = new float[Count];
        features[0] = Precision(Grams(words, 1), Grams(source, 1).ToHashSet());
        var sourceBigrams = Grams(source, 2).ToHashSet();
        var bigrams = Grams(words, 2);
        features[1] = Precision(bigrams, sourceBigrams);
        var trigrams = Grams(words, 3);
        features[2] = Precision(trigrams, Grams(source, 3).ToHashSet());
        int supported = bigrams.Count(sourceBigrams.Contains);
        features[3] = MathF.Log(1 + bigrams.Count - supported);
        features[4] = MathF.Log(1 + supported);
        features[5] = trigrams.Count == 0 ? 0 : (trigrams.Count - trigrams.Distinct().Count()) / (float)trigrams.Count;
        features[6] = MathF.Log(1 + words.Count);
        features[7] = completion.TrimEnd() is [.., '.' or '!' or '?' or '"' or '\''] ? 1 : 0;
        var questionWords = TextWords.Of(question).ToHashSet();
        features[8] = questionWords.Count == 0 ? 0 : questionWords.Count(words.ToHashSet().Contains) / (float)questionWords.Count;
        features[9] = sourceBigrams.Count == 0 ? 0 : bigrams.Distinct().Count(sourceBigrams.Contains) / (float)sourceBigrams.Count;
        return features;
    }

    static float Precision(List<string> grams, HashSet<string> source) =>
        grams.Count == 0 ? 0 : grams.Count(source.Contains) / (float)grams.Count;

    static List<string> Grams(List<string> words, int n) =>
        Enumerable.Range(0, Math.Max(0, words.Count - n + 1)).Select(i => string.Join(' ', words.Skip(i).Take(n))).ToList();
}
