using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Preference.Server;

namespace Preference.Judges.Tests.Fakes;

/// <summary>The real Preference server on a free loopback port over a LiteDB file in a temp directory.</summary>
public sealed class CampaignServer : IAsyncDisposable
{
    private const string AdminToken = "pref_judges_test_admin";
    private readonly WebApplication _app;
    private readonly string _data;

    private CampaignServer(WebApplication app, string data) => (_app, _data) = (app, data);

    public static async Task<CampaignServer> StartAsync()
    {
        var data = Directory.CreateTempSubdirectory("pref-judge-server-").FullName;
        var app = PreferenceServer.Build(new ServerOptions
        {
            DataDirectory = data, Urls = "http://127.0.0.1:0", AdminToken = AdminToken, RequestsPerSecondPerClient = 10_000,
            Announcements = TextWriter.Null,
        });
        await app.StartAsync();
        await PreferenceServer.BootstrapAdminAsync(app);
        return new CampaignServer(app, data);
    }

    public HttpClient Client(string token = AdminToken)
    {
        var client = new HttpClient { BaseAddress = new Uri(_app.Urls.First()) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Creates a judge annotator and returns its token.</summary>
    public async Task<string> CreateJudgeAsync(string name)
    {
        using var admin = Client();
        var response = await admin.PostAsJsonAsync("/api/annotators", new { name, role = "annotator", kind = "judge" });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
    }

    /// <summary>A two-response campaign where the second completion of every task contains "GOOD".</summary>
    public async Task CreateCampaignAsync(string id, int tasks)
    {
        using var admin = Client();
        (await admin.PostAsJsonAsync("/api/campaigns", new { id, name = id, responsesPerTask = 2, overlap = 1 })).EnsureSuccessStatusCode();
        var lines = new StringBuilder();
        for (int i = 0; i < tasks; i++)
            lines.AppendLine(JsonSerializer.Serialize(new { prompt = $"question {i}", completions = new[] { $"weak answer {i}", $"GOOD answer {i}, longer" } }));
        var import = await admin.PostAsync($"/api/campaigns/{id}/import?format=promptCompletions&source=test",
            new StringContent(lines.ToString(), Encoding.UTF8, "application/jsonl"));
        import.EnsureSuccessStatusCode();
    }

    public async Task<List<JsonElement>> AnnotationsAsync(string campaign)
    {
        using var admin = Client();
        return (await admin.GetFromJsonAsync<List<JsonElement>>($"/api/campaigns/{campaign}/annotations"))!;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { }
    }
}
