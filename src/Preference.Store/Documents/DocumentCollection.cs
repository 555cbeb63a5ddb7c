using JsonSerializer = System.Text.Json.JsonSerializer;
using LiteDB;
using Preference.Core.Domain;

namespace Preference.Store.Documents;

/// <summary>
/// A LiteDB collection of domain records. Each document holds the record as System.Text.Json text in
/// <c>json</c> plus the few fields queries filter on, copied out and indexed. Why not LiteDB's BsonMapper: our
/// records use init-only properties, <c>IReadOnlyList</c> and constructor-bound types it cannot map, and a
/// JSON payload keeps the stored shape identical to the API's.
/// </summary>
public sealed class DocumentCollection<T> where T : class
{
    private const string PayloadField = "json";
    private readonly ILiteCollection<BsonDocument> _collection;
    private readonly Func<T, string> _idOf;
    private readonly (string Name, Func<T, BsonValue> Value)[] _fields;

    public DocumentCollection(LiteDatabase database, string name, Func<T, string> idOf, params (string Name, Func<T, BsonValue> Value, bool Unique)[] indexedFields)
    {
        _collection = database.GetCollection(name);
        _idOf = idOf;
        _fields = indexedFields.Select(f => (f.Name, f.Value)).ToArray();
        foreach (var field in indexedFields)
            _collection.EnsureIndex(field.Name, BsonExpression.Create($"$.{field.Name}"), field.Unique);
    }

    public string Name => _collection.Name;

    public T? Get(string id) => _collection.FindById(id) is { } doc ? FromDocument(doc) : null;

    /// <summary>Records whose indexed <paramref name="field"/> equals <paramref name="value"/>.</summary>
    public IEnumerable<T> FindBy(string field, BsonValue value) =>
        _collection.Find(FieldEquals(field, value)).Select(FromDocument);

    /// <summary>
    /// Records whose ids lie between <paramref name="fromId"/> and <paramref name="toId"/> (inclusive), in id order,
    /// at most <paramref name="limit"/>: one query for many neighbours (see <see cref="SortableId"/>).
    /// </summary>
    public IEnumerable<T> Range(string fromId, string toId, int limit) =>
        _collection.Find(BsonExpression.Create("_id BETWEEN @0 AND @1", fromId, toId), 0, limit).Select(FromDocument);

    /// <summary>
    /// The records with these ids, in no particular order (a missing id is left out): one query, one index seek per
    /// id, however the ids are spread over the collection (for neighbours, <see cref="Range"/> costs less).
    /// </summary>
    public IEnumerable<T> GetMany(IEnumerable<string> ids) =>
        _collection.Find(BsonExpression.Create("_id IN @0", new BsonArray(ids.Select(id => new BsonValue(id))))).Select(FromDocument);

    public int CountBy(string field, BsonValue value) => _collection.Count(FieldEquals(field, value));

    // Values travel as parameters: LiteDB caches a compiled expression by its text, and Query.EQ/Between write the
    // value into the text, so every call compiled a new delegate (under load, most of the server's CPU and finalizers).
    private static BsonExpression FieldEquals(string field, BsonValue value) => BsonExpression.Create($"$.{field} = @0", value);

    public IEnumerable<T> All() => _collection.FindAll().Select(FromDocument);

    public int Count() => _collection.Count();

    /// <summary>Insert or replace; call inside a <see cref="StoreWriter"/> operation so it commits with its batch.</summary>
    public void Upsert(T item) => _collection.Upsert(ToDocument(item));

    public void Insert(IEnumerable<T> items) => _collection.InsertBulk(items.Select(ToDocument));

    /// <summary>Insert a record whose id is new; fails on an existing id (cheaper than <see cref="Upsert"/>, which looks first).</summary>
    public void Insert(T item) => _collection.Insert(ToDocument(item));

    public bool Delete(string id) => _collection.Delete(id);

    private BsonDocument ToDocument(T item)
    {
        var doc = new BsonDocument
        {
            ["_id"] = _idOf(item),
            [PayloadField] = JsonSerializer.Serialize(item, PreferenceJson.Options),
        };
        foreach (var (name, value) in _fields) doc[name] = value(item);
        return doc;
    }

    private static T FromDocument(BsonDocument doc) =>
        JsonSerializer.Deserialize<T>(doc[PayloadField].AsString, PreferenceJson.Options)
        ?? throw new InvalidDataException($"document {doc["_id"]} holds no record");
}
