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
    /// <summary>LiteDB's write-ahead log beside the data file (it names it after the data file).</summary>
    public const string LogFileName = "preference-log.db";
    // Annotations, prompts and token hashes are nobody else's business on a shared machine: owner-only modes.
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerOnlyDirectory = OwnerOnlyFile | UnixFileMode.UserExecute;
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
        Campaigns = new CampaignQueues(Collections, Writer, time, new OfferIds(StoreSchema.Secret(database, "offerIdKey")));
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
        CreatePrivateDirectory(dataDirectory);
        var lockFile = AcquireLock(dataDirectory);
        var path = Path.Combine(dataDirectory, FileName);
        CreatePrivateFile(path);
        CreatePrivateFile(Path.Combine(dataDirectory, LogFileName));
        var connection = new ConnectionString
        {
            Filename = path,
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

    /// <summary>A directory this call creates is the owner's alone; an existing one keeps the mode its owner chose.</summary>
    private static void CreatePrivateDirectory(string path)
    {
        if (Directory.Exists(path)) return;
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(path);
        else Directory.CreateDirectory(path, OwnerOnlyDirectory);
    }

    /// <summary>
    /// Creates the file empty with mode 0600 before LiteDB opens it (LiteDB would create it with the process umask,
    /// usually world-readable; it starts an empty file as a new database), and takes the group and other bits off a
    /// file made by an older build.
    /// </summary>
    private static void CreatePrivateFile(string path)
    {
        if (OperatingSystem.IsWindows()) return;
        if (File.Exists(path))
        {
            if ((File.GetUnixFileMode(path) & ~OwnerOnlyFile) != 0) File.SetUnixFileMode(path, File.GetUnixFileMode(path) & OwnerOnlyFile);
            return;
        }
        using var _ = new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = OwnerOnlyFile });
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
            var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = OwnerOnlyFile;
            return new FileStream(path, options);
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
