using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Preference.Server.Tests.Infrastructure;

namespace Preference.Server.Tests.Api;

public class DurabilityTests
{
    [Fact]
    public async Task Killing_the_server_mid_load_loses_no_acknowledged_annotation()
    {
        var data = Directory.CreateTempSubdirectory("pref-kill").FullName;
        int port = ServerProcess.FreePort();
        string campaign;
        var acknowledged = new ConcurrentBag<string>();
        var tokens = new List<string>();

        using (var server = await ServerProcess.StartAsync(data, port))
        {
            using var admin = Client(server.BaseAddress, TestServer.AdminToken);
            campaign = await admin.CreateCampaignAsync("crash", overlap: 2);
            (await admin.ImportAsync(campaign, Infrastructure.Api.PromptCompletionsJsonl(5000))).EnsureSuccessStatusCode();
            for (int i = 0; i < 8; i++)
            {
                var created = await admin.PostAsJsonAsync("/api/annotators", new { name = $"worker {i}" });
                tokens.Add((await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!);
            }

            using var stop = new CancellationTokenSource();
            var workers = tokens.Select(token => Task.Run(async () =>
            {
                using var client = Client(server.BaseAddress, token);
                try
                {
                    while (!stop.IsCancellationRequested)
                    {
                        var task = await client.NextAsync(campaign);
                        if (task is null) return;
                        var taskId = task.Value.GetProperty("taskId").GetString()!;
                        var ids = task.Value.ShownIds();
                        var response = await client.SubmitAsync(campaign, taskId, [[ids[0]], [ids[1]]]);
                        if (response.StatusCode == HttpStatusCode.Created)
                            acknowledged.Add((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!);
                    }
                }
                catch (HttpRequestException) { } // the server died under us: expected
                catch (IOException) { }
                catch (TaskCanceledException) { }
            })).ToList();

            while (acknowledged.Count < 300) await Task.Delay(20);
            server.Kill();
            stop.Cancel();
            await Task.WhenAll(workers);
        }

        using (var restarted = await ServerProcess.StartAsync(data, port))
        {
            using var admin = Client(restarted.BaseAddress, TestServer.AdminToken);
            var stored = (await admin.GetFromJsonAsync<JsonElement[]>($"/api/campaigns/{campaign}/annotations"))!
                .Select(a => a.GetProperty("id").GetString()!).ToHashSet();
            var lost = acknowledged.Where(id => !stored.Contains(id)).ToList();
            Assert.True(acknowledged.Count >= 300);
            Assert.Empty(lost);
            // And the queue picks up where it was: the restarted server still refuses a second ranking of the same task.
            var progress = await admin.GetFromJsonAsync<JsonElement>($"/api/campaigns/{campaign}/progress");
            Assert.Equal(stored.Count, progress.GetProperty("annotations").GetInt32());
        }
        try { Directory.Delete(data, recursive: true); } catch (IOException) { }
    }

    private static HttpClient Client(Uri baseAddress, string token)
    {
        var client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}
