using System.Runtime.CompilerServices;
using System.Text.Json;
using Preference.Core.Datasets;
using Preference.Core.Rankings;

namespace Preference.Training.Reward.Data;

/// <summary>
/// Reads reward-model training pairs from any preference file the project knows: TRL standard/conversational
/// (explicit or implicit HH-RLHF prompt), prompt/completions with a <c>ranking</c> of completion indices (tiers, ties
/// allowed), and qa-feedback's k-wise <c>preference</c> lists (the prompt then carries the retrieved passages the
/// annotators read, see <see cref="QaPrompt"/>). Optional per-record <c>weight</c>, <c>margin</c> and <c>reference</c>
/// (a reference answer string; qa-feedback's is its human-written <c>gold</c>).
/// Prompt and completion parsing is Core's <see cref="ImportItemParser"/>; this adds what the import drops: who won.
/// </summary>
public static class RewardDataReader
{
    public static async Task<IReadOnlyList<RewardPair>> ReadFileAsync(string path, TieHandling ties,
        DatasetFormat format = DatasetFormat.Auto, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(path)) throw new RewardDataException(path, "no such file");
        var pairs = new List<RewardPair>();
        await foreach (var (number, record) in RecordsAsync(path, cancellationToken))
        {
            try
            {
                pairs.AddRange(Expand(record, format, ties));
            }
            catch (Exception e) when (e is DatasetFormatException or RewardDataException)
            {
                throw new RewardDataException(path, $"record {number}: {e.Message}");
            }
        }
        if (pairs.Count == 0) throw new RewardDataException(path, "no preference pairs (empty file, or every pair tied with ties dropped)");
        return pairs;
    }

    /// <summary>All pairs one record implies, strict ones first.</summary>
    public static IEnumerable<RewardPair> Expand(JsonElement record, DatasetFormat format, TieHandling ties)
    {
        var item = ImportItemParser.Parse(record, format);
        var resolved = format == DatasetFormat.Auto ? ImportItemParser.Detect(record) : format;
        var prompt = RewardText.Prompt(item.PromptText, item.PromptMessages);
        // Splits group by the question alone, so adding passages to the prompt keeps every earlier split the same.
        var group = prompt;
        if (resolved == DatasetFormat.QaFeedback && QaPrompt.ReadPassages(record) is { Count: > 0 } passages)
            prompt = new QaPrompt(prompt, passages).Format();
        var completions = item.Completions.Select(c => RewardText.Completion(c.Text, c.Messages)).ToList();
        double weight = OptionalNumber(record, "weight", 1);
        double margin = OptionalNumber(record, "margin", 0);
        if (weight < 0) throw new RewardDataException("weight", "must not be negative");
        var reference = OptionalString(record, resolved == DatasetFormat.QaFeedback && !record.TryGetProperty("reference", out _) ? "gold" : "reference");

        var (strict, tied) = resolved switch
        {
            DatasetFormat.TrlStandard or DatasetFormat.TrlConversational => ([(0, 1)], []),
            DatasetFormat.QaFeedback => KwisePreferences(record, completions.Count),
            _ => RankingPairs(record, completions.Count),
        };
        foreach (var (better, worse) in strict)
            yield return new RewardPair(group, prompt, completions[better], completions[worse], weight, margin, Reference: reference);
        if (ties == TieHandling.Loss)
            foreach (var (a, b) in tied)
                yield return new RewardPair(group, prompt, completions[a], completions[b], weight, 0, Tie: true, Reference: reference);
    }

    /// <summary>
    /// qa-feedback: one value per unordered pair (1,2),(1,3)…(k-1,k): 1 = first better, 2 = second better, 0 = equal.
    /// Expanded pair by pair rather than through a ranking, because annotators' pairwise choices need not be transitive.
    /// </summary>
    static (List<(int, int)> Strict, List<(int, int)> Tied) KwisePreferences(JsonElement record, int k)
    {
        if (!record.TryGetProperty("preference", out var preference) || preference.ValueKind != JsonValueKind.Array)
            throw new RewardDataException("preference", "required: a list with one value (0, 1 or 2) per pair of predictions");
        int expected = k * (k - 1) / 2;
        if (preference.GetArrayLength() != expected)
            throw new RewardDataException("preference", $"has {preference.GetArrayLength()} values; {k} predictions need {expected}");
        var strict = new List<(int, int)>();
        var tied = new List<(int, int)>();
        int index = 0;
        for (int i = 0; i < k; i++)
            for (int j = i + 1; j < k; j++)
            {
                var value = preference[index++];
                switch (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int v) ? v : -1)
                {
                    case 0: tied.Add((i, j)); break;
                    case 1: strict.Add((i, j)); break;
                    case 2: strict.Add((j, i)); break;
                    default: throw new RewardDataException($"preference[{index - 1}]", "must be 0 (equal), 1 (first better) or 2 (second better)");
                }
            }
        return (strict, tied);
    }

    /// <summary><c>"ranking": [[0], [1, 2], [3]]</c>: completion indices best first, a tier holding equals.</summary>
    static (List<(int, int)> Strict, List<(int, int)> Tied) RankingPairs(JsonElement record, int k)
    {
        if (!record.TryGetProperty("ranking", out var ranking) || ranking.ValueKind != JsonValueKind.Array)
            throw new RewardDataException("ranking", "required: tiers of completion indices, best first, e.g. [[0], [1, 2]]");
        var tiers = new List<IReadOnlyList<string>>();
        foreach (var tier in ranking.EnumerateArray())
        {
            if (tier.ValueKind != JsonValueKind.Array) throw new RewardDataException("ranking", "every tier must be a list of completion indices");
            tiers.Add(tier.EnumerateArray().Select(i => i.ValueKind == JsonValueKind.Number && i.TryGetInt32(out int n) ? n.ToString() : "?").ToList());
        }
        var parsed = new Ranking(tiers);
        if (parsed.Validate(Enumerable.Range(0, k).Select(i => i.ToString()).ToList()) is { } problem)
            throw new RewardDataException("ranking", problem);
        return (parsed.StrictPairs().Select(p => (int.Parse(p.Better), int.Parse(p.Worse))).ToList(),
                parsed.TiedPairs().Select(p => (int.Parse(p.A), int.Parse(p.B))).ToList());
    }

    static double OptionalNumber(JsonElement record, string name, double fallback)
    {
        if (!record.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return fallback;
        return value.ValueKind == JsonValueKind.Number && double.IsFinite(value.GetDouble())
            ? value.GetDouble()
            : throw new RewardDataException(name, "must be a finite number");
    }

    /// <summary>An optional string field: absent, null or blank gives null.</summary>
    static string? OptionalString(JsonElement record, string name)
    {
        if (!record.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind != JsonValueKind.String) throw new RewardDataException(name, "must be a string (the reference answer)");
        return string.IsNullOrWhiteSpace(value.GetString()) ? null : value.GetString();
    }

    /// <summary>JSONL records with their line numbers, or the items of one JSON array numbered from 1.</summary>
    internal static async IAsyncEnumerable<(long Number, JsonElement Record)> RecordsAsync(string path,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        int first;
        do first = stream.ReadByte(); while (first is ' ' or '\n' or '\r' or '\t' or 0xEF or 0xBB or 0xBF);
        stream.Position = 0;
        if (first == '[')
        {
            long item = 0;
            IAsyncEnumerable<JsonElement> items;
            try
            {
                items = JsonSerializer.DeserializeAsyncEnumerable<JsonElement>(stream, cancellationToken: cancellationToken);
            }
            catch (JsonException e)
            {
                throw new RewardDataException(path, $"invalid JSON: {e.Message}");
            }
            await foreach (var element in items) yield return (++item, element);
            yield break;
        }
        using var reader = new StreamReader(stream);
        long line = 0;
        while (await reader.ReadLineAsync(cancellationToken) is { } text)
        {
            line++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            JsonElement element;
            try
            {
                using var document = JsonDocument.Parse(text);
                element = document.RootElement.Clone();
            }
            catch (JsonException e)
            {
                throw new RewardDataException(path, $"line {line}: invalid JSON ({e.Message.Split(" LineNumber")[0]})");
            }
            yield return (line, element);
        }
    }
}
