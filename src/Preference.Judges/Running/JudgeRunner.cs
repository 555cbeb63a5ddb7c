using Preference.Core.Judging;

namespace Preference.Judges.Running;

/// <summary>
/// Works through tasks with one judge: skips those the judge already has a verdict for (idempotent per task and
/// judge, so a killed run resumes where it stopped), judges the rest with bounded parallelism and records each
/// verdict as soon as it exists.
/// </summary>
public sealed class JudgeRunner(IJudge judge, IVerdictStore store, TimeProvider? clock = null)
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <param name="parallelism">Tasks judged at once; the judge's own limits (concurrency, rate) still apply inside.</param>
    public async Task<JudgeProgress> RunAsync(IEnumerable<JudgeTask> tasks, int parallelism = 4,
        IProgress<JudgeProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var list = tasks.ToList();
        var duplicate = list.GroupBy(t => t.TaskId).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"task '{duplicate.Key}' appears more than once", nameof(tasks));

        var already = await store.JudgedTaskIdsAsync(judge.Identity.Name, cancellationToken);
        var todo = list.Where(t => !already.Contains(t.TaskId)).ToList();
        int skipped = list.Count - todo.Count, judged = 0, failed = 0, flipped = 0;
        var gate = new object();
        progress?.Report(new JudgeProgress(list.Count, 0, skipped, 0, 0));

        await Parallel.ForEachAsync(todo, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism), CancellationToken = cancellationToken },
            async (task, token) =>
            {
                var verdict = await judge.JudgeAsync(task, token);
                await store.SaveAsync(VerdictRecord.From(task, judge.Identity, verdict, _clock.GetUtcNow()), token);
                JudgeProgress snapshot;
                lock (gate)
                {
                    judged++;
                    if (!verdict.Succeeded) failed++;
                    if (verdict.OrderFlipped == true) flipped++;
                    snapshot = new JudgeProgress(list.Count, judged, skipped, failed, flipped);
                }
                progress?.Report(snapshot);
            });

        return new JudgeProgress(list.Count, judged, skipped, failed, flipped);
    }
}
