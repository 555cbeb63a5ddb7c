using LiteDB;
using Preference.Store.Errors;
using Preference.Store.Identity;
using Preference.Store.Queue;
using Preference.Store.Reviews;
using Preference.Store.Runs;

namespace Preference.Store;

/// <summary>
/// The one LiteDB file of a deployment, opened exclusively by the server process; every other process goes through
/// the HTTP API. Reads go straight to LiteDB; writes go through <see cref="Writer"/>, which makes them durable
/// before acknowledging.
/// </summary>
public sealed class PreferenceStore : IDisposable
{
    public const string FileName = "preference.db";
    private readonly LiteDatabase _database;
    private int _disposed;

    private readonly FileStream _lock;

    private PreferenceStore(LiteDatabase database, FileStream lockFile, TimeProvider time)
    {
        _database = database;
        _lock = lockFile;
        StoreSchema.EnsureCompatible(database);
        Collections = new PreferenceCollections(database);
        Writer = new StoreWriter(database);
        Annotators = new AnnotatorDirectory(Collections, Writer, time);
        Campaigns = new CampaignQueues(Collections, Writer, time);
        Runs = new RunLog(Collections, Writer, time);
        Reviews = new ReviewDesk(Collections, Writer, Campaigns, time);
    }

    public PreferenceCollections Collections { get; }
    public StoreWriter Writer { get; }
    public AnnotatorDirectory Annotators { get; }
    public CampaignQueues Campaigns { get; }
    public RunLog Runs { get; }
    public ReviewDesk Reviews { get; }
    public int SchemaVersion => StoreSchema.ReadVersion(_database);

    /// <summary>Opens (creating if needed) <c>DIR/preference.db</c>.</summary>
    public static PreferenceStore Open(string dataDirectory, TimeProvider? time = null)
    {
        Directory.CreateDirectory(dataDirectory);
        var lockFile = AcquireLock(dataDirectory);
        var connection = new ConnectionString
        {
            Filename = Path.Combine(dataDirectory, FileName),
            // Exclusive: the file belongs to this process alone, and LiteDB skips cross-process locking.
            Connection = ConnectionType.Direct,
        };
        try
        {
            return new PreferenceStore(new LiteDatabase(connection), lockFile, time ?? TimeProvider.System);
        }
        catch
        {
            lockFile.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Holds <c>DIR/preference.lock</c> exclusively (an OS file lock, released if the process dies), so a second
    /// server on the same directory fails at start instead of corrupting the file both would write.
    /// </summary>
    private static FileStream AcquireLock(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, "preference.lock");
        try
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new StoreInUseException($"the store in '{dataDirectory}' is already open in another process (preference.lock is held): {e.Message}");
        }
    }

    /// <summary>Flushes queued writes, checkpoints the log into the data file and closes it.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        Writer.Dispose();
        _database.Checkpoint();
        _database.Dispose();
        _lock.Dispose();
    }
}
