using System.Diagnostics;
using System.Threading.Channels;
using Preference.Core.Rewards;
using Preference.Training.Rewards;

namespace Preference.Cli.RewardServing;

/// <summary>
/// Gathers the completions of concurrent requests into one call of the reward sources (one reward-model forward),
/// then hands each request back exactly its own slice of the scores, in its own order. One loop does all scoring,
/// so the sources (a TorchSharp model, a judge's baseline cache) are never entered by two threads at once.
/// A request joins the queue only while fewer than <see cref="RewardServerConfig.MaxQueuedItems"/> completions wait;
/// beyond that the caller is told to come back later instead of growing the queue without bound.
/// </summary>
public sealed class RewardBatcher : IAsyncDisposable
{
    sealed record Pending(IReadOnlyList<RewardInput> Inputs, TaskCompletionSource<WeightedScores> Done, CancellationToken Abandoned);

    readonly WeightedReward _reward;
    readonly int _maxBatch;
    readonly long _maxDelayTicks;
    readonly int _maxQueued;
    readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    readonly CancellationTokenSource _stopping = new();
    readonly Task _loop;
    int _queued;
    long _batches;
    long _scored;

    public RewardBatcher(WeightedReward reward, int maxBatch, TimeSpan maxDelay, int maxQueued)
    {
        _reward = reward;
        _maxBatch = maxBatch;
        _maxDelayTicks = (long)(maxDelay.TotalSeconds * Stopwatch.Frequency);
        _maxQueued = maxQueued;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Completions accepted and not yet answered.</summary>
    public int QueuedItems => Volatile.Read(ref _queued);

    /// <summary>Calls of the reward sources so far, and the completions they scored.</summary>
    public (long Batches, long Scored) Counts => (Interlocked.Read(ref _batches), Interlocked.Read(ref _scored));

    /// <summary>
    /// Queues <paramref name="inputs"/> for scoring; null when the queue is full. The task ends with the scores of
    /// exactly these inputs, in their order, or with the sources' exception.
    /// </summary>
    /// <param name="abandoned">The request's abort token: an abandoned request is dropped if not yet scored.</param>
    public Task<WeightedScores>? TryScore(IReadOnlyList<RewardInput> inputs, CancellationToken abandoned)
    {
        if (inputs.Count == 0) return Task.FromResult(new WeightedScores([], _reward.Parts.ToDictionary(p => p.Source.Name, _ => Array.Empty<float>())));
        if (Interlocked.Add(ref _queued, inputs.Count) > _maxQueued)
        {
            Interlocked.Add(ref _queued, -inputs.Count);
            return null;
        }
        var pending = new Pending(inputs, new TaskCompletionSource<WeightedScores>(TaskCreationOptions.RunContinuationsAsynchronously), abandoned);
        if (!_queue.Writer.TryWrite(pending))
        {
            Interlocked.Add(ref _queued, -inputs.Count);
            return Task.FromException<WeightedScores>(new ObjectDisposedException(nameof(RewardBatcher), "the reward server is stopping"));
        }
        return pending.Done.Task;
    }

    async Task RunAsync()
    {
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(_stopping.Token))
            {
                var batch = await CollectAsync(reader);
                if (batch.Count > 0) await ScoreAsync(batch);
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        while (reader.TryRead(out var left))
            Release(left, static p => p.Done.TrySetException(new ObjectDisposedException(nameof(RewardBatcher), "the reward server is stopping")));
    }

    /// <summary>Whatever is queued now, then what arrives within the delay window, until the batch is full.</summary>
    async Task<List<Pending>> CollectAsync(ChannelReader<Pending> reader)
    {
        var batch = new List<Pending>();
        int items = 0;
        long deadline = Stopwatch.GetTimestamp() + _maxDelayTicks;
        while (items < _maxBatch)
        {
            if (reader.TryRead(out var next))
            {
                if (next.Abandoned.IsCancellationRequested) Release(next, static p => p.Done.TrySetCanceled(p.Abandoned));
                else
                {
                    batch.Add(next);
                    items += next.Inputs.Count;
                }
                continue;
            }
            long remaining = deadline - Stopwatch.GetTimestamp();
            if (batch.Count == 0 || remaining <= 0) break;
            using var window = new CancellationTokenSource(TimeSpan.FromSeconds((double)remaining / Stopwatch.Frequency));
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(window.Token, _stopping.Token);
            try
            {
                if (!await reader.WaitToReadAsync(linked.Token)) break;
            }
            catch (OperationCanceledException)
            {
                break; // the window closed (or the server is stopping: the batch is still answered, with an error)
            }
        }
        return batch;
    }

    async Task ScoreAsync(List<Pending> batch)
    {
        var inputs = new List<RewardInput>(batch.Sum(p => p.Inputs.Count));
        foreach (var pending in batch) inputs.AddRange(pending.Inputs);
        try
        {
            var scores = await _reward.ScorePartsAsync(inputs, _stopping.Token);
            int offset = 0;
            foreach (var pending in batch)
            {
                pending.Done.TrySetResult(Slice(scores, offset, pending.Inputs.Count));
                offset += pending.Inputs.Count;
            }
            Interlocked.Increment(ref _batches);
            Interlocked.Add(ref _scored, inputs.Count);
        }
        catch (Exception e)
        {
            foreach (var pending in batch) pending.Done.TrySetException(e);
        }
        finally
        {
            Interlocked.Add(ref _queued, -inputs.Count);
        }
    }

    void Release(Pending pending, Action<Pending> answer)
    {
        Interlocked.Add(ref _queued, -pending.Inputs.Count);
        answer(pending);
    }

    static WeightedScores Slice(WeightedScores scores, int offset, int count) => new(
        scores.Total.AsSpan(offset, count).ToArray(),
        scores.Parts.ToDictionary(p => p.Key, p => p.Value.AsSpan(offset, count).ToArray()));

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _stopping.CancelAsync();
        await _loop;
        _stopping.Dispose();
    }
}
