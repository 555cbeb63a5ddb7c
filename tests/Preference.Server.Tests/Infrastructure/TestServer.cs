using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Preference.Core.Domain;
using Preference.Store;

namespace Preference.Server.Tests.Infrastructure;

/// <summary>The real server on Kestrel at a free loopback port, over a store in a temp directory.</summary>
public sealed class TestServer : IAsyncDisposable
{
    public const string AdminToken = "pref_test_admin_token";
    private readonly WebApplication _app;
    private bool _stopped;

    private TestServer(WebApplication app, string dataDirectory)
    {
        _app = app;
        DataDirectory = dataDirectory;
        BaseAddress = new Uri(app.Urls.First());
    }

    public Uri BaseAddress { get; }
    public string DataDirectory { get; }
    public PreferenceStore Store => (PreferenceStore)_app.Services.GetService(typeof(PreferenceStore))!;

    /// <param name="configure">Changes to the options (a test may point <c>DataDirectory</c> at an existing store).</param>
    /// <param name="host">Changes to the host builder, e.g. a logger provider that records what the server logs.</param>
    public static async Task<TestServer> StartAsync(Func<ServerOptions, ServerOptions>? configure = null, Action<WebApplicationBuilder>? host = null)
    {
        var options = new ServerOptions
        {
            DataDirectory = Path.Combine(Path.GetTempPath(), "pref-server-" + Guid.NewGuid().ToString("N")),
            Urls = "http://127.0.0.1:0", AdminToken = AdminToken,
            UiDirectory = UiBuild.DistDirectory, RequestsPerSecondPerClient = 10_000,
        };
        options = configure?.Invoke(options) ?? options;
        var app = PreferenceServer.Build(options, host);
        await app.StartAsync();
        await PreferenceServer.BootstrapAdminAsync(app);
        return new TestServer(app, options.DataDirectory);
    }

    /// <summary>Stops the server and closes its store but keeps the data directory, so a test can start another on it.</summary>
    public async Task StopAsync()
    {
        if (_stopped) return;
        _stopped = true;
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    public HttpClient Client(string? token = AdminToken)
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        if (token is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public async Task<string> CreateAnnotatorAsync(string name, AnnotatorKind kind = AnnotatorKind.Human, AnnotatorRole role = AnnotatorRole.Annotator)
    {
        using var admin = Client();
        var response = await admin.PostAsJsonAsync("/api/annotators", new { name, kind = kind.ToString().ToLowerInvariant(), role = role.ToString().ToLowerInvariant() });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        return body.GetProperty("token").GetString()!;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { }
    }
}
