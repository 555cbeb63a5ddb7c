namespace Preference.Server;

/// <summary>How `pref serve` (and the tests) start the server.</summary>
public sealed record ServerOptions
{
    /// <summary>Directory of the LiteDB file (created if missing).</summary>
    public required string DataDirectory { get; init; }
    /// <summary>Kestrel URLs; port 0 picks a free port (tests).</summary>
    public string Urls { get; init; } = "http://127.0.0.1:5080";
    /// <summary>Admin token to install on first start instead of generating one (from configuration, e.g. PREF_ADMIN_TOKEN).</summary>
    public string? AdminToken { get; init; }
    /// <summary>The built web app (ui/dist); null searches upwards from the executable for ui/dist.</summary>
    public string? UiDirectory { get; init; }
    /// <summary>Sustained requests per second one token (or address) may make; bursts up to twice that.</summary>
    public int RequestsPerSecondPerClient { get; init; } = 200;
    /// <summary>Largest JSON request body outside imports.</summary>
    public long MaxRequestBodyBytes { get; init; } = 1 << 20;
    /// <summary>
    /// Largest import upload (413 beyond it). The whole file is parsed and checked in memory before anything is
    /// stored, so this bounds the server's memory too: 64 MiB is about 100k typical prompt/completion records;
    /// larger datasets import in several files.
    /// </summary>
    public long MaxImportBodyBytes { get; init; } = 64L << 20;
    /// <summary>Where the one-time admin token is announced; defaults to the console.</summary>
    public TextWriter? Announcements { get; init; }
}
