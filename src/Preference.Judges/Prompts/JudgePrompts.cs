using System.Text;
using Preference.Core.Judging;

namespace Preference.Judges.Prompts;

/// <summary>
/// Our judging prompts: pairwise and k-wise, each with or without a reference answer. The version string is stored
/// with every verdict; change it whenever the wording changes, because verdicts from different wordings are not
/// comparable.
/// </summary>
public static class JudgePrompts
{
    public const string PairwiseVersion = "pairwise-v1";
    public const string RankingVersion = "kwise-v1";
    public const int MaxResponses = 26;

    private const string System =
        "You are an impartial expert judge of AI assistant responses. You compare responses to the same user " +
        "instruction and decide which one serves the user better: correct, helpful, honest, harmless and following " +
        "the instruction. The order in which responses are shown, their length and their style must not influence " +
        "you. Think briefly, then give your verdict in the exact format requested, once, on the last line.";

    /// <summary>Chooses the pairwise prompt for two responses and the ranking prompt for more.</summary>
    public static JudgePrompt For(JudgeTask task) => task.Responses.Count == 2 ? Pairwise(task) : Ranking(task);

    public static string VersionFor(JudgeTask task, bool withReference) =>
        (task.Responses.Count == 2 ? PairwiseVersion : RankingVersion) + (withReference ? "+reference" : "");

    public static JudgePrompt Pairwise(JudgeTask task)
    {
        if (task.Responses.Count != 2) throw new ArgumentException("the pairwise prompt needs exactly two responses", nameof(task));
        var user = Render(task,
            "Which response is better? Explain in a few sentences, then write your verdict on the last line as exactly " +
            "one of: [[A]] if Response A is better, [[B]] if Response B is better, [[tie]] if they are equally good.");
        return new JudgePrompt(VersionFor(task, task.Reference is not null), System, user, LabelMap(task));
    }

    public static JudgePrompt Ranking(JudgeTask task)
    {
        if (task.Responses.Count is < 2 or > MaxResponses)
            throw new ArgumentException($"the ranking prompt takes 2 to {MaxResponses} responses", nameof(task));
        var letters = string.Join(", ", LabelMap(task).Keys);
        var user = Render(task,
            $"Rank all {task.Responses.Count} responses from best to worst. Explain in a few sentences, then write the " +
            $"ranking on the last line inside double brackets using every letter ({letters}) exactly once, '>' for " +
            "\"better than\" and '=' for \"equally good\", for example [[B > A = C]].");
        return new JudgePrompt(VersionFor(task, task.Reference is not null), System, user, LabelMap(task));
    }

    private static string Render(JudgeTask task, string question)
    {
        var text = new StringBuilder();
        text.Append("[User instruction]\n").Append(task.Prompt.Trim()).Append("\n\n");
        if (task.Reference is { } reference)
            text.Append("[Reference answer, written by an expert; use it to check correctness]\n").Append(reference.Trim()).Append("\n\n");
        foreach (var (label, response) in Letters(task.Responses.Count).Zip(task.Responses))
            text.Append($"[Response {label}]\n").Append(response.Text.Trim()).Append($"\n[End of Response {label}]\n\n");
        return text.Append(question).ToString();
    }

    private static Dictionary<string, string> LabelMap(JudgeTask task) =>
        Letters(task.Responses.Count).Zip(task.Responses, (label, r) => (label, r.Id)).ToDictionary(x => x.label, x => x.Id);

    private static IEnumerable<string> Letters(int count) => Enumerable.Range(0, count).Select(i => ((char)('A' + i)).ToString());
}
