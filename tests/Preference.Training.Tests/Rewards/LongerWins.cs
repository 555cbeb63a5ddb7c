using Preference.Core.Judging;
using Preference.Core.Rankings;

namespace Preference.Training.Tests.Rewards;

/// <summary>
/// A judge that ranks longer responses first, equal lengths tied: a stand-in for a remote LLM judge whose verdicts a
/// test can predict. Counts the tasks it was shown.
/// </summary>
sealed class LongerWins : IJudge
{
    int _tasks;

    public JudgeIdentity Identity { get; } = new("longer", "rule");

    public int Tasks => Volatile.Read(ref _tasks);

    public Task<JudgeVerdict> JudgeAsync(JudgeTask task, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _tasks);
        var tiers = task.Responses.GroupBy(r => r.Text.Length).OrderByDescending(g => g.Key)
            .Select(g => (IReadOnlyList<string>)g.Select(r => r.Id).ToList()).ToList();
        return Task.FromResult(JudgeVerdict.Ranked(task, Identity, new Ranking(tiers), "longer first"));
    }
}
