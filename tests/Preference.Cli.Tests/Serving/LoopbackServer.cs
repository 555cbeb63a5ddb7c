using Microsoft.AspNetCore.Builder;
using Preference.Core.Api;
using Preference.Server;

namespace Preference.Cli.Tests.Serving;

/// <summary>The real `pref serve` app on a loopback port, with a known admin token, over a store in a temp directory.</summary>
public sealed class LoopbackServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackServer(WebApplication app, string directory, string adminToken)
    {
        _app = app;
        Directory = directory;
        AdminToken = adminToken;
        Url = app.Urls.First();
    }

    public string Url { get; }
    public string AdminToken { get; }
    /// <summary>A temp directory for the test's own files too; deleted with the server.</summary>
    public string Directory { get; }

    public static async Task<LoopbackServer> StartAsync(string adminToken)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("pref-cli-server-").FullName;
        var app = PreferenceServer.Build(new ServerOptions
        {
            DataDirectory = Path.Combine(directory, "store"), Urls = "http://127.0.0.1:0", AdminToken = adminToken, Announcements = TextWriter.Null,
        });
        await app.StartAsync();
        await PreferenceServer.BootstrapAdminAsync(app);
        return new LoopbackServer(app, directory, adminToken);
    }

    /// <summary>An HttpClient presenting the admin token (dispose it).</summary>
    public HttpClient Admin() => PreferenceApiClient.CreateHttp(new Uri(Url), AdminToken, TimeSpan.FromSeconds(30));

    /// <summary>Runs `pref` with this server's address and admin token appended.</summary>
    public Task<PrefProcess.Result> PrefAsync(params string[] args) => PrefProcess.RunAsync([.. args, "--server", Url, "--token", AdminToken]);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }
}
