using System.Text.Json;
using System.Text.RegularExpressions;
using Preference.Core.Rankings;

namespace Preference.Judges.Parsing;

/// <summary>
/// Reads a verdict out of free text. Tolerant about wrapping (markdown, "Verdict:" lines, JSON objects, "Response B",
/// case), strict about content: a reply naming two different verdicts, or a ranking that skips or repeats a
/// response, is unparseable rather than guessed at.
/// </summary>
public static partial class VerdictParser
{
    private static readonly string[] TieWords = ["tie", "equal", "equally good", "draw", "both", "same", "neither"];

    /// <param name="labels">The letters the prompt showed (A, B, ...).</param>
    public static ParsedVerdict Parse(string? reply, IReadOnlyList<string> labels)
    {
        if (string.IsNullOrWhiteSpace(reply)) return ParsedVerdict.Unparseable("empty reply");

        // In order of how deliberate the format is: what we asked for, then structured output, then prose conventions.
        foreach (var candidates in new[] { Bracketed(reply), FromJson(reply), LabelledLines(reply), WholeReply(reply) })
        {
            var verdicts = candidates.Select(c => ParseExpression(c, labels)).Where(r => r is not null).Cast<Ranking>()
                .DistinctBy(Canonical).ToList();
            if (verdicts.Count == 1) return ParsedVerdict.Of(verdicts[0]);
            if (verdicts.Count > 1)
                return ParsedVerdict.Unparseable($"conflicting verdicts in reply: {string.Join(" vs ", verdicts.Select(Canonical))}");
        }
        return ParsedVerdict.Unparseable($"no verdict found in reply: {Excerpt(reply)}");
    }

    /// <summary>Parses "A", "Response B", "tie", "B > A = C" against the known labels; null if it is not a full verdict.</summary>
    public static Ranking? ParseExpression(string text, IReadOnlyList<string> labels)
    {
        var cleaned = Noise().Replace(text, " ").Trim().TrimEnd('.', '!').Trim();
        cleaned = Praise().Replace(cleaned, "").Trim();
        if (cleaned.Length == 0 || cleaned.Length > 200) return null;
        if (TieWords.Any(w => string.Equals(cleaned, w, StringComparison.OrdinalIgnoreCase)))
            return new Ranking([labels.ToList()]);

        var tiers = new List<IReadOnlyList<string>>();
        foreach (var tierText in cleaned.Split('>'))
        {
            var tier = new List<string>();
            foreach (var part in tierText.Split('='))
            {
                var label = Prefix().Replace(part.Trim(), "").Trim();
                var match = labels.FirstOrDefault(l => string.Equals(l, label, StringComparison.OrdinalIgnoreCase));
                if (match is null) return null;
                tier.Add(match);
            }
            tiers.Add(tier);
        }
        // A lone winner is a full verdict only between two responses; for more it would leave the rest unranked.
        if (tiers.Count == 1 && tiers[0].Count == 1)
            return labels.Count == 2 ? new Ranking([tiers[0], labels.Except(tiers[0]).ToList()]) : null;
        var ranking = new Ranking(tiers);
        return ranking.Validate(labels.ToList()) is null ? ranking : null;
    }

    private static IEnumerable<string> Bracketed(string reply) => DoubleBrackets().Matches(reply).Select(m => m.Groups[1].Value);

    private static IEnumerable<string> FromJson(string reply)
    {
        foreach (Match match in JsonObject().Matches(reply))
        {
            JsonDocument doc;
            try { doc = JsonDocument.Parse(match.Value); }
            catch (JsonException) { continue; }
            using (doc)
            {
                if (doc.RootElement.ValueKind != JsonValueKind.Object) continue;
                foreach (var property in doc.RootElement.EnumerateObject())
                    if (VerdictKeys().IsMatch(property.Name) && property.Value.ValueKind == JsonValueKind.String)
                        yield return property.Value.GetString()!;
            }
        }
    }

    private static IEnumerable<string> LabelledLines(string reply)
    {
        // Only the last labelled line counts: earlier ones are usually the model restating the question.
        var last = LabelledLine().Matches(reply).LastOrDefault();
        return last is null ? [] : [last.Groups[1].Value];
    }

    private static IEnumerable<string> WholeReply(string reply) => [reply];

    private static string Canonical(Ranking ranking) => string.Join(" > ", ranking.Tiers.Select(t => string.Join(" = ", t.Order())));

    private static string Excerpt(string reply)
    {
        var flat = reply.ReplaceLineEndings(" ").Trim();
        return flat.Length <= 120 ? $"\"{flat}\"" : $"\"{flat[..120]}...\"";
    }

    [GeneratedRegex(@"\[\[\s*([^\[\]]{1,200}?)\s*\]\]")]
    private static partial Regex DoubleBrackets();

    [GeneratedRegex(@"\{[^{}]{0,2000}\}")]
    private static partial Regex JsonObject();

    [GeneratedRegex(@"^(verdict|winner|ranking|better|preferred|preference|answer|choice|result)$", RegexOptions.IgnoreCase)]
    private static partial Regex VerdictKeys();

    [GeneratedRegex(@"^[\s>#*_-]*(?:final\s+)?(?:verdict|winner|ranking|answer|better\s+response|preferred\s+response|result)\s*[*_]*\s*[:=-]\s*(.+?)\s*$",
        RegexOptions.IgnoreCase | RegexOptions.Multiline)]
    private static partial Regex LabelledLine();

    [GeneratedRegex(@"[*_`""'\[\]()]")]
    private static partial Regex Noise();

    [GeneratedRegex(@"\s+(?:is\s+)?(?:better|the\s+better(?:\s+one|\s+response)?|wins|is\s+preferred)$", RegexOptions.IgnoreCase)]
    private static partial Regex Praise();

    [GeneratedRegex(@"^(?:response|assistant|output|answer|option)\s+", RegexOptions.IgnoreCase)]
    private static partial Regex Prefix();
}
