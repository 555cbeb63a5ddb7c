using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Preference.Server.Tests.Infrastructure;

namespace Preference.Server.Tests.Api;

/// <summary>Task scores go in through the admin API, come back out, order the queue, and never reach an annotator.</summary>
public class QueueOrderApiTests
{
    private static async Task<List<(string Id, string[] CompletionIds)>> TasksAsync(HttpClient admin, string campaign) =>
        (await admin.GetFromJsonAsync<JsonElement[]>($"/api/campaigns/{campaign}/tasks"))!
            .Where(t => !t.GetProperty("gold").GetBoolean())
            .Select(t => (t.GetProperty("id").GetString()!, t.GetProperty("completionIds").EnumerateArray().Select(c => c.GetString()!).ToArray()))
            .ToList();

    private static object Item(string taskId, string[] ids, double lead) =>
        new { taskId, completionScores = ids.Select((id, i) => (id, i == 0 ? lead : -1.0)).ToDictionary(p => p.id, p => p.Item2) };

    private static Task<HttpResponseMessage> PutJsonAsync(HttpClient admin, string campaign, string json) =>
        admin.PutAsync($"/api/campaigns/{campaign}/task-scores", new StringContent(json, Encoding.UTF8, "application/json"));

    [Fact]
    public async Task A_bad_upload_is_a_400_naming_the_field_and_stores_nothing()
    {
        await using var server = await TestServer.StartAsync();
        using var admin = server.Client();
        var campaign = await admin.CreateCampaignAsync("scored");
        var other = await admin.CreateCampaignAsync("other");
        (await admin.ImportAsync(campaign, Infrastructure.Api.PromptCompletionsJsonl(2))).EnsureSuccessStatusCode();
        (await admin.ImportAsync(other, Infrastructure.Api.PromptCompletionsJsonl(1))).EnsureSuccessStatusCode();
        var tasks = await TasksAsync(admin, campaign);
        var foreign = (await TasksAsync(admin, other))[0];
        var good = Item(tasks[0].Id, tasks[0].CompletionIds, 1);

        async Task<string> RefusedField(object body)
        {
            var response = await admin.PutAsJsonAsync($"/api/campaigns/{campaign}/task-scores", body);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            return Assert.Single((await response.ProblemAsync()).GetProperty("errors").EnumerateObject()).Name;
        }
        Assert.Equal("tasks[1].taskId", await RefusedField(new { tasks = new[] { good, Item("made-up", tasks[1].CompletionIds, 1) } }));
        Assert.Equal("tasks[1].taskId", await RefusedField(new { tasks = new[] { good, Item(foreign.Id, foreign.CompletionIds, 1) } }));
        Assert.Equal($"tasks[1].completionScores.{foreign.CompletionIds[0]}",
            await RefusedField(new { tasks = new[] { good, Item(tasks[1].Id, [foreign.CompletionIds[0], tasks[1].CompletionIds[1]], 1) } }));
        Assert.Equal("tasks[1].completionScores", await RefusedField(new { tasks = new[] { good, Item(tasks[1].Id, [tasks[1].CompletionIds[0]], 1) } }));
        Assert.Equal("tasks", await RefusedField(new { tasks = Array.Empty<object>() }));

        // NaN is no JSON number: the body is refused while it is read, naming where.
        var nan = await PutJsonAsync(admin, campaign,
            $$$"""{"tasks": [{"taskId": "{{{tasks[0].Id}}}", "completionScores": {"{{{tasks[0].CompletionIds[0]}}}": 1, "{{{tasks[0].CompletionIds[1]}}}": "NaN"}}]}""");
        Assert.Equal(HttpStatusCode.BadRequest, nan.StatusCode);
        Assert.StartsWith("tasks[0].completionScores", Assert.Single((await nan.ProblemAsync()).GetProperty("errors").EnumerateObject()).Name);

        Assert.Equal(HttpStatusCode.NotFound, (await admin.PutAsJsonAsync("/api/campaigns/missing/task-scores", new { tasks = new[] { good } })).StatusCode);
        using var annotator = server.Client(await server.CreateAnnotatorAsync("alice"));
        Assert.Equal(HttpStatusCode.Forbidden, (await annotator.PutAsJsonAsync($"/api/campaigns/{campaign}/task-scores", new { tasks = new[] { good } })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await annotator.GetAsync($"/api/campaigns/{campaign}/tasks/contents")).StatusCode);

        Assert.Empty((await admin.GetFromJsonAsync<JsonElement[]>($"/api/campaigns/{campaign}/task-scores"))!);
        Assert.Equal(0, server.Store.Collections.TaskScores.Count());
    }

    [Fact]
    public async Task An_unknown_queue_order_is_a_400_naming_it()
    {
        await using var server = await TestServer.StartAsync();
        using var admin = server.Client();
        var created = await admin.PostAsJsonAsync("/api/campaigns", new { name = "x", queueOrder = "loudestFirst" });
        Assert.Equal(HttpStatusCode.BadRequest, created.StatusCode);
        Assert.True((await created.ProblemAsync()).GetProperty("errors").TryGetProperty("queueOrder", out _));
        var campaign = await admin.CreateCampaignAsync("y");
        var judgeless = await admin.PutAsJsonAsync($"/api/campaigns/{campaign}/quality-settings", new { queueOrder = "judgeDisagreement" });
        Assert.Equal(HttpStatusCode.BadRequest, judgeless.StatusCode);
        Assert.True((await judgeless.ProblemAsync()).GetProperty("errors").TryGetProperty("queueOrder", out _));
    }

    [Fact]
    public async Task Uncertainty_order_is_served_with_gold_mixed_in_and_no_offer_carries_a_score()
    {
        await using var server = await TestServer.StartAsync();
        using var admin = server.Client();
        var created = await admin.PostAsJsonAsync("/api/campaigns", new { name = "unsure first", queueOrder = "uncertainty" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var campaign = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("campaign");
        Assert.Equal("uncertainty", campaign.GetProperty("queueOrder").GetString());
        var id = campaign.GetProperty("id").GetString()!;
        (await admin.ImportAsync(id, Infrastructure.Api.PromptCompletionsJsonl(12))).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync($"/api/campaigns/{id}/gold", Enumerable.Range(0, 3).Select(i =>
            new { prompt = $"Gold {i}?", completions = new[] { "right", "wrong" }, ranking = new[] { new[] { 0 }, new[] { 1 } } }))).EnsureSuccessStatusCode();
        (await admin.PutAsJsonAsync($"/api/campaigns/{id}/quality-settings", new { goldRate = 0.25, queueOrder = "uncertainty" })).EnsureSuccessStatusCode();

        // The contents an external scorer reads: ordinary tasks only, in import order, with their stored ids.
        var contents = (await admin.GetFromJsonAsync<JsonElement[]>($"/api/campaigns/{id}/tasks/contents?offset=10&limit=5"))!;
        Assert.Equal(["Question 10?", "Question 11?"], contents.Select(c => c.GetProperty("prompt").GetProperty("text").GetString()));
        var tasks = await TasksAsync(admin, id);
        Assert.Equal(tasks[10].CompletionIds, contents[0].GetProperty("completions").EnumerateArray().Select(c => c.GetProperty("id").GetString()));

        // Distinctive scores, so that any of them leaking into an offer would show.
        var leads = Enumerable.Range(0, tasks.Count).Select(i => 0.123456 + 0.5 * ((i * 7) % tasks.Count)).ToArray();
        var upload = await admin.PutAsJsonAsync($"/api/campaigns/{id}/task-scores",
            new { tasks = tasks.Select((t, i) => Item(t.Id, t.CompletionIds, leads[i])) });
        Assert.Equal(12, (await upload.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("tasks").GetInt32());
        Assert.Equal(12, (await admin.GetFromJsonAsync<JsonElement[]>($"/api/campaigns/{id}/task-scores"))!.Length);

        using var alice = server.Client(await server.CreateAnnotatorAsync("alice"));
        var served = new List<string>();
        while (true)
        {
            var next = await alice.PostAsync($"/api/campaigns/{id}/next", null);
            if (next.StatusCode == HttpStatusCode.NoContent) break;
            var body = await next.Content.ReadAsStringAsync();
            Assert.DoesNotContain("score", body, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("0.123456", body);
            var task = JsonDocument.Parse(body).RootElement.GetProperty("task");
            served.Add(task.GetProperty("taskId").GetString()!);
            (await alice.SubmitAsync(id, served[^1], task.ShownIds().Select(s => new[] { s }).ToArray())).EnsureSuccessStatusCode();
        }
        Assert.Equal(15, served.Distinct().Count());
        Assert.Equal(15, served.Count);
        var expected = tasks.Select((t, i) => (t.Id, Margin: leads[i] + 1)).OrderBy(t => t.Margin).Select(t => t.Id);
        Assert.Equal(expected, served.Where(s => tasks.Any(t => t.Id == s)));
    }
}
