using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Preference.Core.Domain;
using Preference.Server.Tests.Infrastructure;

namespace Preference.Server.Tests.Api;

public class GoldTaskApiTests
{
    private static object Gold(string prompt, string[] completions, int[][] ranking) => new { prompt, completions, ranking };

    [Fact]
    public async Task A_gold_import_with_a_wrong_size_ranking_is_refused_naming_the_item_and_stores_nothing()
    {
        await using var server = await TestServer.StartAsync();
        using var admin = server.Client();
        var campaign = await admin.CreateCampaignAsync("gold", k: 2);
        var response = await admin.PostAsJsonAsync($"/api/campaigns/{campaign}/gold", new[]
        {
            Gold("2+2?", ["4", "5"], [[0], [1]]),
            Gold("3+3?", ["6", "7"], [[0]]),
            Gold("4+4?", ["8", "9"], [[0], [5]]),
        });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.ProblemAsync()).GetProperty("errors");
        Assert.Contains("rank every one", errors.GetProperty("items[1].ranking")[0].GetString());
        Assert.Contains("not one of", errors.GetProperty("items[2].ranking")[0].GetString());
        Assert.Empty((await admin.GetFromJsonAsync<JsonElement[]>($"/api/campaigns/{campaign}/tasks"))!);
    }

    [Fact]
    public async Task Marking_a_task_gold_with_an_unknown_completion_id_is_a_400_naming_the_ranking()
    {
        await using var server = await TestServer.StartAsync();
        using var admin = server.Client();
        var campaign = await admin.CreateCampaignAsync("gold", k: 2);
        (await admin.ImportAsync(campaign, Infrastructure.Api.PromptCompletionsJsonl(1))).EnsureSuccessStatusCode();
        var task = (await admin.GetFromJsonAsync<JsonElement[]>($"/api/campaigns/{campaign}/tasks"))![0];
        var ids = task.GetProperty("completionIds").EnumerateArray().Select(e => e.GetString()!).ToArray();
        var taskId = task.GetProperty("id").GetString();
        var bad = await admin.PutAsJsonAsync($"/api/campaigns/{campaign}/gold/{taskId}", new { ranking = new[] { new[] { ids[0] }, new[] { "made-up" } } });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.True((await bad.ProblemAsync()).GetProperty("errors").TryGetProperty("ranking", out _));
        var wrongSize = await admin.PutAsJsonAsync($"/api/campaigns/{campaign}/gold/{taskId}", new { ranking = new[] { new[] { ids[0] } } });
        Assert.Equal(HttpStatusCode.BadRequest, wrongSize.StatusCode);
        Assert.Empty((await admin.GetFromJsonAsync<JsonElement[]>($"/api/campaigns/{campaign}/gold"))!);

        var good = await admin.PutAsJsonAsync($"/api/campaigns/{campaign}/gold/{taskId}", new { ranking = new[] { new[] { ids[1] }, new[] { ids[0] } } });
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        Assert.True((await admin.GetFromJsonAsync<JsonElement[]>($"/api/campaigns/{campaign}/tasks"))![0].GetProperty("gold").GetBoolean());
    }

    [Fact]
    public async Task An_annotator_cannot_tell_a_gold_task_from_any_other_in_the_api()
    {
        await using var server = await TestServer.StartAsync();
        using var admin = server.Client();
        var campaign = await admin.CreateCampaignAsync("mixed", k: 2);
        (await admin.ImportAsync(campaign, Infrastructure.Api.PromptCompletionsJsonl(6))).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync($"/api/campaigns/{campaign}/gold",
            Enumerable.Range(0, 6).Select(i => Gold($"Question g{i}?", [$"Right {i}", $"Wrong {i}"], [[0], [1]])))).EnsureSuccessStatusCode();
        (await admin.PutAsJsonAsync($"/api/campaigns/{campaign}/quality-settings", new { goldRate = 0.5 })).EnsureSuccessStatusCode();
        var goldTasks = (await admin.GetFromJsonAsync<JsonElement[]>($"/api/campaigns/{campaign}/tasks"))!
            .Where(t => t.GetProperty("gold").GetBoolean()).Select(t => t.GetProperty("id").GetString()!).ToHashSet();
        Assert.Equal(6, goldTasks.Count);

        using var alice = server.Client(await server.CreateAnnotatorAsync("alice"));
        var shapes = new Dictionary<bool, HashSet<string>>();
        int responses = 0;
        while (true)
        {
            var next = await alice.PostAsync($"/api/campaigns/{campaign}/next", null);
            if (next.StatusCode == HttpStatusCode.NoContent) break;
            var body = await next.Content.ReadAsStringAsync();
            Assert.DoesNotContain("gold", body, StringComparison.OrdinalIgnoreCase);
            var root = JsonDocument.Parse(body).RootElement;
            var task = root.GetProperty("task");
            var taskId = task.GetProperty("taskId").GetString()!;
            bool isGold = goldTasks.Contains(taskId);
            var shape = Shape(root);
            if (shapes.TryGetValue(isGold, out var seen)) Assert.Equal(seen, shape);
            else shapes[isGold] = shape;
            Assert.Equal(12 - responses, root.GetProperty("remaining").GetInt32());
            var submitted = await alice.SubmitAsync(campaign, taskId, task.ShownIds().Select(id => new[] { id }).ToArray());
            Assert.Equal(HttpStatusCode.Created, submitted.StatusCode);
            Assert.DoesNotContain("gold", await submitted.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
            responses++;
        }
        Assert.Equal(12, responses);
        Assert.Equal(shapes[true], shapes[false]);
        var mine = await alice.GetStringAsync($"/api/my/campaigns/{campaign}");
        Assert.DoesNotContain("gold", mine, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_quality_report_scores_each_annotator_against_the_gold_ranking()
    {
        await using var server = await TestServer.StartAsync();
        using var admin = server.Client();
        var campaign = await admin.CreateCampaignAsync("scored", k: 3);
        (await admin.PostAsJsonAsync($"/api/campaigns/{campaign}/gold",
            Enumerable.Range(0, 3).Select(i => Gold($"Q{i}?", ["best", "middle", "worst"], [[0], [1], [2]])))).EnsureSuccessStatusCode();
        foreach (var (name, reversed) in new[] { ("alice", false), ("bob", true) })
        {
            using var client = server.Client(await server.CreateAnnotatorAsync(name));
            while (await client.NextAsync(campaign) is { } task)
            {
                var byText = task.GetProperty("completions").EnumerateArray().ToDictionary(c => c.GetProperty("text").GetString()!, c => c.GetProperty("id").GetString()!);
                var order = new[] { "best", "middle", "worst" };
                if (reversed) Array.Reverse(order);
                (await client.SubmitAsync(campaign, task.GetProperty("taskId").GetString()!, order.Select(t => new[] { byText[t] }).ToArray())).EnsureSuccessStatusCode();
            }
        }
        var rows = (await admin.GetFromJsonAsync<JsonElement[]>($"/api/campaigns/{campaign}/quality"))!.ToDictionary(r => r.GetProperty("annotatorId").GetString()!);
        Assert.Equal((3, 1.0, 1.0), (rows["alice"].GetProperty("goldTasks").GetInt32(), rows["alice"].GetProperty("goldAgreement").GetDouble(), rows["alice"].GetProperty("goldKendallTau").GetDouble()));
        Assert.Equal((3, 0.0, -1.0), (rows["bob"].GetProperty("goldTasks").GetInt32(), rows["bob"].GetProperty("goldAgreement").GetDouble(), rows["bob"].GetProperty("goldKendallTau").GetDouble()));
        Assert.Equal(0.0, rows["alice"].GetProperty("tieRate").GetDouble());
        Assert.Equal(1.0 / 3, rows["alice"].GetProperty("firstShownChance").GetDouble(), 9);
        Assert.True(rows["alice"].GetProperty("medianActiveSeconds").GetDouble() is > 0 and <= 1.2);
        Assert.True(rows["alice"].GetProperty("weight").GetDouble() > rows["bob"].GetProperty("weight").GetDouble());
    }

    /// <summary>Every property path in a JSON document (array items collapsed), so two responses can be compared by shape.</summary>
    private static HashSet<string> Shape(JsonElement element, string path = "$")
    {
        var paths = new HashSet<string> { $"{path}:{element.ValueKind}" };
        if (element.ValueKind == JsonValueKind.Object)
            foreach (var property in element.EnumerateObject()) paths.UnionWith(Shape(property.Value, $"{path}.{property.Name}"));
        else if (element.ValueKind == JsonValueKind.Array)
            foreach (var item in element.EnumerateArray()) paths.UnionWith(Shape(item, $"{path}[]"));
        return paths;
    }
}
