using System.Threading.Channels;
using LiteDB;

namespace Preference.Store;

/// <summary>
/// The single writer of the database. Write operations queue here and one loop commits them in groups: one LiteDB
/// transaction per group, then every caller in it is acknowledged. A commit writes the pages to the operating
/// system before the acknowledgement, so an acknowledged write survives the process being killed; grouping keeps
/// that cheap under load. The loop waits for work asynchronously rather than on a dedicated thread: a blocked
/// collection's take spins before it sleeps, and in a profile of the two-core server under load that spinning was a
/// tenth of the sampled time. Each group still commits synchronously on one thread, which LiteDB's per-thread transactions need.
/// </summary>
public sealed class StoreWriter : IDisposable
{
    private const int MaxBatch = 256;
    private readonly LiteDatabase _database;
    private readonly Channel<IWriteOperation> _queue =
        Channel.CreateUnbounded<IWriteOperation>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;

    public StoreWriter(LiteDatabase database)
    {
        _database = database;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>
    /// Runs <paramref name="operation"/> inside a committed transaction; completes once it is durable. A
    /// <paramref name="bulk"/> operation (a chunk of an import) commits in a transaction of its own, so the small
    /// writes queued beside it are never held back until it is done.
    /// </summary>
    public Task<T> WriteAsync<T>(Func<T> operation, bool bulk = false)
    {
        var op = new WriteOperation<T>(operation, bulk);
        if (!_queue.Writer.TryWrite(op)) throw new ObjectDisposedException(nameof(StoreWriter), "the store is shutting down");
        return op.Completion.Task;
    }

    public Task WriteAsync(Action operation, bool bulk = false) => WriteAsync(() => { operation(); return true; }, bulk);

    private async Task RunAsync()
    {
        var batch = new List<IWriteOperation>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < MaxBatch && _queue.Reader.TryPeek(out var next))
            {
                if (next.Bulk && batch.Count > 0) break;
                _queue.Reader.TryRead(out _);
                batch.Add(next);
                if (next.Bulk) break;
            }
            try
            {
                CommitBatch(batch);
            }
            catch (Exception e)
            {
                // Only a failing rollback gets here; its callers hear of it, and the loop lives on for later writes.
                foreach (var op in batch) op.Fail(e);
            }
            batch.Clear();
        }
    }

    private void CommitBatch(List<IWriteOperation> batch)
    {
        try
        {
            _database.BeginTrans();
            foreach (var op in batch) op.Execute();
            _database.Commit();
            foreach (var op in batch) op.Acknowledge();
        }
        catch (Exception) when (batch.Count > 1)
        {
            _database.Rollback();
            // One bad operation must not fail its neighbours: redo each alone so only it sees its error.
            foreach (var op in batch) CommitBatch([op]);
        }
        catch (Exception e)
        {
            _database.Rollback();
            batch[0].Fail(e);
        }
    }

    /// <summary>Stops accepting writes and waits for everything queued to commit.</summary>
    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _loop.GetAwaiter().GetResult();
    }

    private interface IWriteOperation
    {
        bool Bulk { get; }
        void Execute();
        void Acknowledge();
        void Fail(Exception error);
    }

    private sealed class WriteOperation<T>(Func<T> operation, bool bulk) : IWriteOperation
    {
        public bool Bulk => bulk;
        private T? _result;
        public TaskCompletionSource<T> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public void Execute() => _result = operation();
        public void Acknowledge() => Completion.TrySetResult(_result!);
        public void Fail(Exception error) => Completion.TrySetException(error);
    }
}
