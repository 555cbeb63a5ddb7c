using System.Text.Json;
using Preference.Training.Reward.Data;
using Preference.Training.Reward.Modeling;

namespace Preference.Training.Reward.Evaluation;

/// <summary>Scores preference pairs with a reward model: accuracy over strict pairs, and every pair's two rewards.</summary>
public static class RewardEvaluator
{
    public static (PairwiseAccuracy Accuracy, IReadOnlyList<PairScore> Pairs) Evaluate(RewardModel model, IReadOnlyList<RewardPair> pairs,
        CancellationToken cancellationToken = default)
    {
        var texts = pairs.SelectMany(p => new[] { (p.Prompt, p.Chosen, p.Reference), (p.Prompt, p.Rejected, p.Reference) }).ToList();
        var scores = model.Score(texts, cancellationToken: cancellationToken);
        var rows = pairs.Select((p, i) => new PairScore(i + 1, scores[2 * i], scores[2 * i + 1], p.Tie,
            !p.Tie && scores[2 * i] > scores[2 * i + 1], Tail(p.Prompt))).ToList();
        var strict = rows.Where(r => !r.Tie).Select(r => ((double)r.ChosenScore, (double)r.RejectedScore)).ToList();
        if (strict.Count == 0) throw new ArgumentException("no strict (untied) pairs to evaluate");
        return (PairwiseAccuracy.Of(strict), rows);
    }

    public static async Task WriteAsync(IEnumerable<PairScore> rows, string path, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await using var writer = new StreamWriter(path + ".partial");
        foreach (var row in rows) await writer.WriteLineAsync(JsonSerializer.Serialize(row).AsMemory(), cancellationToken);
        await writer.DisposeAsync();
        File.Move(path + ".partial", path, overwrite: true);
    }

    static string Tail(string prompt) => prompt.Length <= 80 ? prompt : "…" + prompt[^79..];
}
