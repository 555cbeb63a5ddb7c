namespace Preference.Training.Reward.Data;

/// <summary>
/// Cuts a <see cref="QaPrompt"/> down to a token budget by keeping the passage sentences most relevant to the completion
/// being judged: relevance = distinct words a sentence shares with the completion and the question, over the square
/// root of its length (so long sentences do not win on size alone). Kept sentences stay in their passage order.
/// </summary>
public static class RelevantPassages
{
    /// <param name="countTokens">Tokens a prompt text costs in the reward model's tokenizer.</param>
    /// <returns>The whole prompt when it fits, else the question with the sentences that fit, best first.</returns>
    public static string Fit(QaPrompt prompt, string completion, int budget, Func<string, int> countTokens)
    {
        var full = prompt.Format();
        if (countTokens(full) <= budget) return full;

        var wanted = Words(completion);
        wanted.UnionWith(Words(prompt.Question));
        var ranked = prompt.Passages
            .SelectMany((p, pi) => p.Sentences.Select((s, si) => (Passage: pi, Sentence: si, Text: s)))
            .Select(s =>
            {
                var words = Words(s.Text);
                return (s.Passage, s.Sentence, Score: words.Count == 0 ? 0 : words.Count(wanted.Contains) / Math.Sqrt(words.Count));
            })
            .OrderByDescending(s => s.Score).ThenBy(s => s.Passage).ThenBy(s => s.Sentence)
            .ToList();

        // Greedy by relevance on per-piece token counts (one tokenization per sentence, not per candidate prompt); a
        // sentence that does not fit is skipped so a shorter, less relevant one may still fit.
        var kept = new List<(int Passage, int Sentence)>();
        var titled = new HashSet<int>();
        int used = countTokens(prompt.Format([]));
        foreach (var (passage, sentence, _) in ranked)
        {
            int cost = countTokens("\n" + prompt.Passages[passage].Sentences[sentence])
                       + (titled.Contains(passage) ? 0 : countTokens("\n\nPassage: " + prompt.Passages[passage].Title));
            if (used + cost > budget) continue;
            used += cost;
            titled.Add(passage);
            kept.Add((passage, sentence));
        }
        // Pieces tokenized apart can merge differently once joined: drop the least relevant until the real count fits.
        var text = prompt.Format(Keep(prompt, kept));
        while (kept.Count > 0 && countTokens(text) > budget)
        {
            kept.RemoveAt(kept.Count - 1);
            text = prompt.Format(Keep(prompt, kept));
        }
        return text;
    }

    static IEnumerable<Passage> Keep(QaPrompt prompt, List<(int Passage, int Sentence)> kept) =>
        prompt.Passages.Select((p, pi) => new Passage(p.Title, p.Sentences.Where((_, si) => kept.Contains((pi, si))).ToList()))
            .Where(p => p.Sentences.Count > 0);

    static HashSet<string> Words(string text) =>
        TextWords.Of(text).Where(w => w.Length > 2 || char.IsDigit(w[0])).ToHashSet();
}
