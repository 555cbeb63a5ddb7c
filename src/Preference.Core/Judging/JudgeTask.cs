namespace Preference.Core.Judging;

/// <summary>What a judge sees: exactly what an annotator sees for one task.</summary>
/// <param name="Reference">An optional reference answer the judge may compare against.</param>
public sealed record JudgeTask(string TaskId, string Prompt, IReadOnlyList<Candidate> Responses, string? Reference = null)
{
    /// <summary>The same task with its responses shown in another order (for position-bias control).</summary>
    public JudgeTask WithResponses(IReadOnlyList<Candidate> responses) => this with { Responses = responses };

    /// <summary>Returns the problem with this task, or null: a judge needs two or more responses with distinct ids.</summary>
    public string? Validate()
    {
        if (string.IsNullOrWhiteSpace(TaskId)) return "task id is empty";
        if (Responses.Count < 2) return $"task '{TaskId}' has {Responses.Count} response(s); a judge compares at least 2";
        var duplicate = Responses.GroupBy(r => r.Id).FirstOrDefault(g => g.Count() > 1);
        return duplicate is null ? null : $"task '{TaskId}' shows response '{duplicate.Key}' more than once";
    }
}

/// <summary>One response shown for ranking.</summary>
public sealed record Candidate(string Id, string Text);
