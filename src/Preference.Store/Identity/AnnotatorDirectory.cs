using System.Collections.Concurrent;
using Preference.Core.Domain;
using Preference.Store.Errors;
using Preference.Store.Validation;

namespace Preference.Store.Identity;

/// <summary>
/// Annotators, judges and admins, and the lookup from a presented token to its identity. An identity is never deleted
/// (its annotations name it); revoking it removes its token from the lookup, and rotating gives it a new one.
/// </summary>
public sealed class AnnotatorDirectory
{
    /// <summary>The admin that `pref serve` installs on an empty store or from its configured admin token.</summary>
    public const string BootstrapAdminId = "admin";
    private readonly PreferenceCollections _collections;
    private readonly StoreWriter _writer;
    private readonly TimeProvider _time;
    // Token checks run on every request; the directory is small, so keep it in memory keyed by token hash. Only
    // identities whose token works are in it.
    private readonly ConcurrentDictionary<string, Annotator> _byTokenHash;
    private readonly ConcurrentDictionary<string, Annotator> _byId;
    // Token changes swap two dictionary entries; one at a time keeps the pair consistent.
    private readonly SemaphoreSlim _tokenChange = new(1, 1);

    public AnnotatorDirectory(PreferenceCollections collections, StoreWriter writer, TimeProvider time)
    {
        _collections = collections;
        _writer = writer;
        _time = time;
        var all = collections.Annotators.All().ToList();
        _byTokenHash = new ConcurrentDictionary<string, Annotator>(all.Where(a => a.RevokedAt is null).ToDictionary(a => a.TokenHash));
        _byId = new ConcurrentDictionary<string, Annotator>(all.ToDictionary(a => a.Id));
    }

    public IReadOnlyList<Annotator> All() => _byId.Values.OrderBy(a => a.CreatedAt).ThenBy(a => a.Id, StringComparer.Ordinal).ToList();

    public Annotator? Get(string id) => _byId.GetValueOrDefault(id);

    /// <summary>The identity a token belongs to, or null for an unknown or revoked token.</summary>
    public Annotator? Authenticate(string token) => _byTokenHash.GetValueOrDefault(AccessToken.Hash(token));

    /// <summary>The identity whose current token has this hash, or null once it is revoked or rotated away.</summary>
    public Annotator? AuthenticateHash(string tokenHash) => _byTokenHash.GetValueOrDefault(tokenHash);

    public bool HasAdmin => _byTokenHash.Values.Any(a => a.Role == AnnotatorRole.Admin);

    /// <summary>Creates an identity; pass <paramref name="token"/> to install a known one (configuration), else a new one is made.</summary>
    public async Task<IssuedToken> CreateAsync(string name, AnnotatorRole role, AnnotatorKind kind,
        IReadOnlyDictionary<string, string>? metadata = null, string? token = null, string? id = null)
    {
        name = InputLimits.Required(name, "name").Trim();
        InputLimits.Defined(role, "role");
        InputLimits.Defined(kind, "kind");
        InputLimits.Map(metadata, "metadata");
        token ??= AccessToken.New();
        var annotator = new Annotator
        {
            Id = id ?? Slug.Unique(name, taken => Get(taken) is not null),
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
            throw new StoreConflictException($"annotator '{annotator.Id}' was created at the same moment; retry");
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

    /// <summary>
    /// Gives <paramref name="id"/> a new token (or <paramref name="token"/>, from configuration) and lifts a revocation;
    /// the old token stops working as soon as this returns.
    /// </summary>
    public Task<IssuedToken> RotateAsync(string id, string? token = null)
    {
        token ??= AccessToken.New();
        return ChangeTokenAsync(id, a => a with { TokenHash = AccessToken.Hash(token), RevokedAt = null }, a => new IssuedToken(a, token));
    }

    /// <summary>Makes <paramref name="id"/>'s token open nothing; its annotations stay. Rotating issues a working token again.</summary>
    public Task<Annotator> RevokeAsync(string id) =>
        ChangeTokenAsync(id, a => a.RevokedAt is null ? a with { RevokedAt = _time.GetUtcNow() } : a, a => a);

    private async Task<T> ChangeTokenAsync<T>(string id, Func<Annotator, Annotator> change, Func<Annotator, T> result)
    {
        await _tokenChange.WaitAsync();
        try
        {
            var before = Get(id) ?? throw new StoreNotFoundException($"annotator '{id}' does not exist");
            var after = change(before);
            if (after.RevokedAt is null && after.TokenHash != before.TokenHash && _byTokenHash.ContainsKey(after.TokenHash))
                throw new InvalidOperationException("that token is already in use");
            // Out of the lookup before the write: a revoked token must not work while its revocation is being stored.
            _byTokenHash.TryRemove(before.TokenHash, out _);
            try
            {
                await _writer.WriteAsync(() => _collections.Annotators.Upsert(after));
            }
            catch
            {
                if (before.RevokedAt is null) _byTokenHash[before.TokenHash] = before;
                throw;
            }
            _byId[id] = after;
            if (after.RevokedAt is null) _byTokenHash[after.TokenHash] = after;
            return result(after);
        }
        finally
        {
            _tokenChange.Release();
        }
    }
}
