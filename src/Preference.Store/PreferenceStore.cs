using LiteDB;
using Preference.Store.Identity;
using Preference.Store.Queue;
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

    private PreferenceStore(LiteDatabase database, TimeProvider time)
    {
        _database = database;
        StoreSchema.EnsureCompatible(database);
        Collections = new PreferenceCollections(database);
        Writer = new StoreWriter(database);
        Annotators = new AnnotatorDirectory(Collections, Writer, time);
        Campaigns = new CampaignQueues(Collections, Writer, time);
        Runs = new RunLog(Collections, Writer, time);
    }

    public PreferenceCollections Collections { get; }
    public StoreWriter Writer { get; }
    public AnnotatorDirectory Annotators { get; }
    public CampaignQueues Campaigns { get; }
    public RunLog Runs { get; }
    public int SchemaVersion => StoreSchema.ReadVersion(_database);

    /// <summary>Opens (creating if needed) <c>DIR/preference.db</c>.</summary>
    public static PreferenceStore Open(string dataDirectory, TimeProvider? time = null)
    {
        Directory.CreateDirectory(dataDirectory);
        var connection = new ConnectionString
        {
            Filename = Path.Combine(dataDirectory, FileName),
            // Exclusive: the file belongs to this process alone, and LiteDB skips cross-process locking.
            Connection = ConnectionType.Direct,
        };
        return new PreferenceStore(new LiteDatabase(connection), time ?? TimeProvider.System);
    }

    /// <summary>Flushes queued writes, checkpoints the log into the data file and closes it.</summary>
    public void Dispose()
    {
        Writer.Dispose();
        _database.Checkpoint();
        _database.Dispose();
    }
}
