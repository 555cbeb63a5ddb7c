using System.Collections.Concurrent;
using Preference.Core.Domain;

namespace Preference.Store.Identity;

/// <summary>Annotators, judges and admins, and the lookup from a presented token to its identity.</summary>
public sealed class AnnotatorDirectory
{
    private readonly PreferenceCollections _collections;
    private readonly StoreWriter _writer;
    private readonly TimeProvider _time;
    // Token checks run on every request; the directory is small, so keep it in memory keyed by token hash.
    private readonly ConcurrentDictionary<string, Annotator> _byTokenHash;
    private readonly ConcurrentDictionary<string, Annotator> _byId;

    public AnnotatorDirectory(PreferenceCollections collections, StoreWriter writer, TimeProvider time)
    {
        _collections = collections;
        _writer = writer;
        _time = time;
        var all = collections.Annotators.All().ToList();
        _byTokenHash = new ConcurrentDictionary<string, Annotator>(all.ToDictionary(a => a.TokenHash));
        _byId = new ConcurrentDictionary<string, Annotator>(all.ToDictionary(a => a.Id));
    }

    public IReadOnlyList<Annotator> All() => _byTokenHash.Values.OrderBy(a => a.CreatedAt).ToList();

    public Annotator? Get(string id) => _byId.GetValueOrDefault(id);

    public Annotator? Authenticate(string token) => _byTokenHash.GetValueOrDefault(AccessToken.Hash(token));

    public bool HasAdmin => _byTokenHash.Values.Any(a => a.Role == AnnotatorRole.Admin);

    /// <summary>Creates an identity; pass <paramref name="token"/> to install a known one (configuration), else a new one is made.</summary>
    public async Task<IssuedToken> CreateAsync(string name, AnnotatorRole role, AnnotatorKind kind,
        IReadOnlyDictionary<string, string>? metadata = null, string? token = null)
    {
        token ??= AccessToken.New();
        var annotator = new Annotator
        {
            Id = Slug.Unique(name, id => Get(id) is not null),
            Name = name,
            Role = role,
            Kind = kind,
            Metadata = metadata,
            TokenHash = AccessToken.Hash(token),
            CreatedAt = _time.GetUtcNow(),
        };
        if (!_byTokenHash.TryAdd(annotator.TokenHash, annotator))
            throw new InvalidOperationException("that token is already in use");
        if (!_byId.TryAdd(annotator.Id, annotator))
        {
            _byTokenHash.TryRemove(annotator.TokenHash, out _);
            throw new Errors.StoreConflictException($"annotator '{annotator.Id}' was created at the same moment; retry");
        }
        try
        {
            await _writer.WriteAsync(() => _collections.Annotators.Upsert(annotator));
        }
        catch
        {
            _byTokenHash.TryRemove(annotator.TokenHash, out _);
            _byId.TryRemove(annotator.Id, out _);
            throw;
        }
        return new IssuedToken(annotator, token);
    }
}
