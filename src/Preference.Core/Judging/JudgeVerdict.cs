using Preference.Core.Rankings;

namespace Preference.Core.Judging;

/// <summary>
/// A judge's answer for one task: a ranking of the response ids (ties allowed) with its rationale, or an explicit
/// failure. Never both, never a guess.
/// </summary>
/// <param name="Attempts">Model calls spent, retries included (0 for judges that call nothing).</param>
/// <param name="OrderFlipped">With position-bias control: whether the two presentation orders disagreed; null without it.</param>
/// <param name="PromptTemplate">The prompt template version this verdict came from (LLM judges; pairwise and k-wise differ).</param>
public sealed record JudgeVerdict(
    string TaskId,
    string Judge,
    Ranking? Ranking,
    string Rationale,
    string? Failure = null,
    int Attempts = 0,
    bool? OrderFlipped = null,
    string? PromptTemplate = null)
{
    public bool Succeeded => Ranking is not null;

    public static JudgeVerdict Ranked(JudgeTask task, JudgeIdentity judge, Ranking ranking, string rationale, int attempts = 0) =>
        new(task.TaskId, judge.Name, ranking, rationale, Attempts: attempts);

    public static JudgeVerdict Failed(JudgeTask task, JudgeIdentity judge, string failure, int attempts = 0) =>
        new(task.TaskId, judge.Name, null, "", failure, attempts);
}
