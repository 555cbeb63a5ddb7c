using LiteDB;

namespace Preference.Store;

/// <summary>
/// The schema version lives in the database itself, so a newer server refuses a store it does not understand
/// instead of silently misreading it.
/// </summary>
public static class StoreSchema
{
    public const int CurrentVersion = 1;

    public static void EnsureCompatible(LiteDatabase db)
    {
        var meta = db.GetCollection("meta");
        var doc = meta.FindById("schema");
        if (doc is null)
        {
            meta.Insert(new BsonDocument { ["_id"] = "schema", ["version"] = CurrentVersion, ["createdAt"] = DateTime.UtcNow });
            return;
        }
        int version = doc["version"].AsInt32;
        if (version > CurrentVersion)
            throw new InvalidDataException($"store schema version {version} is newer than this build understands ({CurrentVersion}); upgrade pref");
    }

    /// <summary>A random 32-byte secret of this store (made on first use), e.g. the key of <see cref="Queue.OfferIds"/>.</summary>
    public static byte[] Secret(LiteDatabase db, string name)
    {
        var meta = db.GetCollection("meta");
        if (meta.FindById(name) is { } doc) return doc["value"].AsBinary;
        var secret = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        meta.Insert(new BsonDocument { ["_id"] = name, ["value"] = secret });
        return secret;
    }

    public static int ReadVersion(LiteDatabase db) => db.GetCollection("meta").FindById("schema")?["version"].AsInt32 ?? 0;
}
