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
    /// <summary>
    /// Eight annotators (half of them contrary, so tasks go to review) rank under load, with gold tasks mixed in,
    /// a judge's suggestions on the first tasks, and a reviewer adjudicating as disagreements appear; the server is
    /// killed mid-load. Every acknowledged annotation and review must be there after the restart, none twice.
    /// </summary>
    public async Task Killing_the_server_mid_load_loses_no_acknowledged_annotation()
    {
        var data = Directory.CreateTempSubdirectory("pref-kill").FullName;
        int port = ServerProcess.FreePort();
        string campaign;
        var acknowledged = new ConcurrentBag<string>();
        var reviewed = new ConcurrentBag<string>();
        var tokens = new List<string>();

        using (var server = await ServerProcess.StartAsync(data, port))
        {
            using var admin = Client(server.BaseAddress, TestServer.AdminToken);
            campaign = await admin.CreateCampaignAsync("crash", overlap: 2);
            (await admin.ImportAsync(campaign, Infrastructure.Api.PromptCompletionsJsonl(5000))).EnsureSuccessStatusCode();
            (await admin.PostAsJsonAsync($"/api/campaigns/{campaign}/gold", Enumerable.Range(0, 40)
                .Select(i => new { prompt = $"Gold {i}?", completions = new[] { "right", "wrong" }, ranking = new[] { new[] { 0 }, new[] { 1 } } }))).EnsureSuccessStatusCode();
            for (int i = 0; i < 8; i++) tokens.Add(await TokenAsync(admin, $"worker {i}"));
            var judgeToken = await TokenAsync(admin, "judge", kind: "judge");
            var reviewerToken = await TokenAsync(admin, "reviewer", role: "reviewer");
            (await admin.PutAsJsonAsync($"/api/campaigns/{campaign}/quality-settings", new
            {
                goldRate = 0.2, reviewThreshold = 0.5, suggestionJudgeId = "judge", suggestionHoldout = 0.3,
            })).EnsureSuccessStatusCode();
            using (var judge = Client(server.BaseAddress, judgeToken))
                for (int i = 0; i < 100 && await judge.NextAsync(campaign) is { } task; i++)
                {
                    var ids = task.ShownIds();
                    var response = await judge.SubmitAsync(campaign, task.GetProperty("taskId").GetString()!, [[ids[0]], [ids[1]]]);
                    acknowledged.Add((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!);
                }

            using var stop = new CancellationTokenSource();
            var workers = tokens.Select((token, worker) => Task.Run(async () =>
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
                        if (worker % 2 == 1) Array.Sort(ids, string.CompareOrdinal);
                        else Array.Sort(ids, (a, b) => string.CompareOrdinal(b, a));
                        // Accept the judge's suggestion where one is shown, so suggested offers are in the mix.
                        var response = task.Value.TryGetProperty("suggestion", out var suggestion)
                            ? await client.PostAsJsonAsync($"/api/campaigns/{campaign}/annotations", new { taskId, ranking = suggestion.GetProperty("ranking") })
                            : await client.SubmitAsync(campaign, taskId, [[ids[0]], [ids[1]]]);
                        if (response.StatusCode == HttpStatusCode.Created)
                            acknowledged.Add((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!);
                    }
                }
                catch (HttpRequestException) { } // the server died under us: expected
                catch (IOException) { }
                catch (TaskCanceledException) { }
            })).ToList();
            workers.Add(Task.Run(async () =>
            {
                using var client = Client(server.BaseAddress, reviewerToken);
                try
                {
                    while (!stop.IsCancellationRequested)
                    {
                        foreach (var pending in (await client.GetFromJsonAsync<JsonElement[]>($"/api/campaigns/{campaign}/reviews"))!.Take(5))
                        {
                            var taskId = pending.GetProperty("taskId").GetString()!;
                            var annotationId = pending.GetProperty("rankings")[0].GetProperty("annotationId").GetString();
                            var response = await client.PostAsJsonAsync($"/api/campaigns/{campaign}/reviews", new { taskId, decision = "accept", annotationId, note = "first" });
                            if (response.StatusCode == HttpStatusCode.Created) reviewed.Add(taskId);
                        }
                        await Task.Delay(50);
                    }
                }
                catch (HttpRequestException) { }
                catch (IOException) { }
                catch (TaskCanceledException) { }
            }));

            while (acknowledged.Count < 400 || reviewed.IsEmpty) await Task.Delay(20);
            server.Kill();
            stop.Cancel();
            await Task.WhenAll(workers);
        }

        using (var restarted = await ServerProcess.StartAsync(data, port))
        {
            using var admin = Client(restarted.BaseAddress, TestServer.AdminToken);
            var annotations = (await admin.GetFromJsonAsync<JsonElement[]>($"/api/campaigns/{campaign}/annotations"))!;
            var stored = annotations.Select(a => a.GetProperty("id").GetString()!).ToHashSet();
            var lost = acknowledged.Where(id => !stored.Contains(id)).ToList();
            Assert.True(acknowledged.Count >= 400);
            Assert.Empty(lost);
            // Not duplicated: one annotation per annotator and task, gold tasks included.
            Assert.Equal(annotations.Length, annotations.Select(a => (a.GetProperty("taskId").GetString(), a.GetProperty("annotatorId").GetString())).Distinct().Count());
            var tasks = (await admin.GetFromJsonAsync<JsonElement[]>($"/api/campaigns/{campaign}/tasks"))!;
            var gold = tasks.Where(t => t.GetProperty("gold").GetBoolean()).Select(t => t.GetProperty("id").GetString()).ToHashSet();
            Assert.Equal(40, gold.Count);
            Assert.Contains(annotations, a => gold.Contains(a.GetProperty("taskId").GetString()));
            using (var reviewer = Client(restarted.BaseAddress, TestServer.AdminToken))
                foreach (var taskId in reviewed)
                {
                    var response = await reviewer.GetAsync($"/api/campaigns/{campaign}/reviews/{taskId}");
                    if (!response.IsSuccessStatusCode)
                    {
                        await Task.Delay(1000); // the server's log of the error arrives asynchronously
                        Assert.Fail($"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}\n{restarted.RecentOutput}");
                    }
                    var review = await response.Content.ReadFromJsonAsync<JsonElement>();
                    Assert.Equal("accept", review.GetProperty("decision").GetProperty("decision").GetString());
                }
            // And the queue picks up where it was: the restarted server still refuses a second ranking of the same task.
            var progress = await admin.GetFromJsonAsync<JsonElement>($"/api/campaigns/{campaign}/progress");
            Assert.Equal(stored.Count, progress.GetProperty("annotations").GetInt32());
        }
        try { Directory.Delete(data, recursive: true); } catch (IOException) { }
    }

    private static async Task<string> TokenAsync(HttpClient admin, string name, string kind = "human", string role = "annotator")
    {
        var created = await admin.PostAsJsonAsync("/api/annotators", new { name, kind, role });
        created.EnsureSuccessStatusCode();
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
    }

    private static HttpClient Client(Uri baseAddress, string token)
    {
        var client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}
