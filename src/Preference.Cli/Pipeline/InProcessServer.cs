using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Preference.Cli.Serving;
using Preference.Server;

namespace Preference.Cli.Pipeline;

/// <summary>
/// The annotation server, started inside the quickstart over the run directory's own store, so the judge, the
/// exports and a human in the browser all go through the same API. The admin token is kept in the run directory so a
/// re-run opens the same store with the same identity.
/// </summary>
public sealed class InProcessServer : IAsyncDisposable
{
    readonly WebApplication _app;

    InProcessServer(WebApplication app, Uri address, string adminToken)
    {
        _app = app;
        Address = address;
        AdminToken = adminToken;
        Admin = Client(adminToken);
    }

    public Uri Address { get; }
    public string AdminToken { get; }
    /// <summary>Authorised as the admin.</summary>
    public HttpClient Admin { get; }

    public HttpClient Client(string token) => Core.Api.PreferenceApiClient.CreateHttp(Address, token, TimeSpan.FromMinutes(5));

    public static async Task<InProcessServer> StartAsync(string dataDirectory, string urls, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(dataDirectory);
        var tokenFile = Path.Combine(dataDirectory, "admin-token");
        if (!File.Exists(tokenFile))
        {
            File.WriteAllText(tokenFile, "pref_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)));
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(tokenFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        var token = File.ReadAllText(tokenFile).Trim();
        var app = PreferenceServer.Build(new ServerOptions
        {
            DataDirectory = dataDirectory,
            Urls = urls,
            AdminToken = token,
            // The judge is a local loop, not a crowd; the per-client limit is for people.
            RequestsPerSecondPerClient = 10_000,
            Announcements = TextWriter.Null,
        }, builder => builder.Logging.SetMinimumLevel(LogLevel.Warning)); // the pipeline prints its own progress
        try
        {
            await PreferenceServer.BootstrapAdminAsync(app);
            await app.StartAsync(cancellationToken);
        }
        catch (Store.Errors.StoreInUseException e)
        {
            await app.DisposeAsync();
            throw new CliException($"--run-dir: {e.Message.Split(" (preference.lock")[0]}");
        }
        catch (IOException e)
        {
            await app.DisposeAsync();
            throw new CliException($"--urls: cannot listen on {urls}: {e.Message}");
        }
        return new InProcessServer(app, new Uri(app.Urls.First()), token);
    }

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
