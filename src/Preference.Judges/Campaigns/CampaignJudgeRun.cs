using System.Diagnostics;
using Preference.Core.Judging;
using Preference.Judges.Running;

namespace Preference.Judges.Campaigns;

/// <summary>
/// Works through a campaign's queue with one judge, one task at a time (the server reserves one task per annotator):
/// next -> judge -> submit. A task the judge cannot rank is skipped on the server and its failure kept in the local
/// log, so it is neither guessed nor offered to this judge again. Killed and restarted, the run continues with the
/// task it held (same reservation) and never submits a task twice.
/// </summary>
public sealed class CampaignJudgeRun(IJudge judge, CampaignClient campaign, IVerdictStore? log = null, TimeProvider? clock = null)
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <param name="limit">Stop after this many tasks (null: until the queue is empty).</param>
    public async Task<JudgeProgress> RunAsync(int? limit = null, IProgress<JudgeProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        int judged = 0, failed = 0, flipped = 0, skipped = 0;
        while (limit is null || judged < limit)
        {
            var offer = await campaign.NextAsync(cancellationToken);
            if (offer is null) break;

            var started = Stopwatch.GetTimestamp();
            var verdict = await judge.JudgeAsync(offer.Task, cancellationToken);
            var record = VerdictRecord.From(offer.Task, judge.Identity, verdict, _clock.GetUtcNow());
            if (log is not null) await log.SaveAsync(record, cancellationToken);

            if (verdict.Ranking is { } ranking)
            {
                var metadata = new Dictionary<string, string>(record.Metadata!) { ["attempts"] = verdict.Attempts.ToString() };
                if (verdict.OrderFlipped is { } f) metadata["order_flipped"] = f ? "true" : "false";
                var stored = await campaign.SubmitAsync(offer.TaskId, ranking, verdict.Rationale, metadata,
                    (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds, cancellationToken);
                if (!stored) skipped++;
            }
            else
            {
                await campaign.SkipAsync(offer.TaskId, cancellationToken);
                failed++;
            }
            judged++;
            if (verdict.OrderFlipped == true) flipped++;
            progress?.Report(new JudgeProgress(null, judged, skipped, failed, flipped));
        }
        return new JudgeProgress(null, judged, skipped, failed, flipped);
    }
}
