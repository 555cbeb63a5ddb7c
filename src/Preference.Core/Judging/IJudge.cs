namespace Preference.Core.Judging;

/// <summary>
/// Anything that ranks responses like an annotator: an LLM, a rule, a reward model. Implementations never throw for a
/// task they cannot judge; they return <see cref="JudgeVerdict.Failed"/> with the reason. Only cancellation throws.
/// </summary>
public interface IJudge
{
    JudgeIdentity Identity { get; }

    Task<JudgeVerdict> JudgeAsync(JudgeTask task, CancellationToken cancellationToken = default);
}
