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

    private TestServer(WebApplication app, string dataDirectory)
    {
        _app = app;
        DataDirectory = dataDirectory;
        BaseAddress = new Uri(app.Urls.First());
    }

    public Uri BaseAddress { get; }
    public string DataDirectory { get; }
    public PreferenceStore Store => (PreferenceStore)_app.Services.GetService(typeof(PreferenceStore))!;

    public static async Task<TestServer> StartAsync(Func<ServerOptions, ServerOptions>? configure = null)
    {
        var data = Path.Combine(Path.GetTempPath(), "pref-server-" + Guid.NewGuid().ToString("N"));
        var options = new ServerOptions
        {
            DataDirectory = data, Urls = "http://127.0.0.1:0", AdminToken = AdminToken,
            UiDirectory = UiBuild.DistDirectory, RequestsPerSecondPerClient = 10_000,
        };
        var app = PreferenceServer.Build(configure?.Invoke(options) ?? options);
        await app.StartAsync();
        await PreferenceServer.BootstrapAdminAsync(app);
        return new TestServer(app, data);
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
        await _app.StopAsync();
        await _app.DisposeAsync();
        try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { }
    }
}
