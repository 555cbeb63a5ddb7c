using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Preference.Server.Tests.Infrastructure;

namespace Preference.Server.Tests.Api;

/// <summary>
/// Inputs that once answered 500 (or were stored as given): each is a 4xx ProblemDetails naming the field, and
/// nothing is stored.
/// </summary>
public class BadInputTests
{
    private static async Task<(TestServer Server, HttpClient Admin, string Campaign)> CampaignAsync(int tasks = 1)
    {
        var server = await TestServer.StartAsync();
        var admin = server.Client();
        var campaign = await admin.CreateCampaignAsync("c");
        (await admin.ImportAsync(campaign, Infrastructure.Api.PromptCompletionsJsonl(tasks))).EnsureSuccessStatusCode();
        return (server, admin, campaign);
    }

    private static async Task AssertRejectsAsync(HttpResponseMessage response, string field, HttpStatusCode status = HttpStatusCode.BadRequest)
    {
        Assert.Equal(status, response.StatusCode);
        var problem = await response.ProblemAsync();
        Assert.True(problem.TryGetProperty("errors", out var errors) && errors.TryGetProperty(field, out _),
            $"expected errors.{field} in {problem}");
    }

    [Theory]
    [InlineData("""{"taskId": null, "ranking": [["x"]]}""", "taskId")]
    [InlineData("""{"taskId": "TASK", "ranking": null}""", "ranking")]
    [InlineData("""{"taskId": "TASK", "ranking": [null]}""", "ranking")]
    [InlineData("""{"taskId": "TASK", "ranking": [[null, "B"], ["A"]]}""", "ranking")]
    [InlineData("""{"taskId": "TASK", "ranking": [["A"], ["B"]], "timeSpentMs": 9223372036854775807}""", "timeSpentMs")]
    [InlineData("""{"taskId": "TASK", "ranking": [["A"], ["B"]], "timeSpentMs": -5}""", "timeSpentMs")]
    public async Task A_submission_with_a_null_or_absurd_field_is_400_naming_it_and_stores_nothing(string body, string field)
    {
        var (server, admin, campaign) = await CampaignAsync();
        await using var _ = server;
        using var __ = admin;
        using var alice = server.Client(await server.CreateAnnotatorAsync("alice"));
        var task = (await alice.NextAsync(campaign))!.Value;
        var ids = task.ShownIds();
        body = body.Replace("TASK", task.GetProperty("taskId").GetString()).Replace("\"A\"", $"\"{ids[0]}\"").Replace("\"B\"", $"\"{ids[1]}\"");

        await AssertRejectsAsync(await alice.PostAsync($"/api/campaigns/{campaign}/annotations", new StringContent(body, Encoding.UTF8, "application/json")), field);
        Assert.Equal(0, server.Store.Collections.Annotations.Count());
        // The task is still the annotator's to finish.
        Assert.Equal(HttpStatusCode.Created, (await alice.SubmitAsync(campaign, task.GetProperty("taskId").GetString()!, [[ids[0]], [ids[1]]])).StatusCode);
    }

    [Fact]
    public async Task Edits_cannot_push_the_time_spent_past_a_day_or_overflow_it()
    {
        var (server, admin, campaign) = await CampaignAsync();
        await using var _ = server;
        using var __ = admin;
        using var alice = server.Client(await server.CreateAnnotatorAsync("alice"));
        var task = (await alice.NextAsync(campaign))!.Value;
        var taskId = task.GetProperty("taskId").GetString()!;
        (await alice.SubmitAsync(campaign, taskId, [[.. task.ShownIds()]])).EnsureSuccessStatusCode();
        var edit = await alice.PutAsJsonAsync($"/api/campaigns/{campaign}/annotations/last",
            new { taskId, ranking = new[] { task.ShownIds() }, timeSpentMs = long.MaxValue });
        await AssertRejectsAsync(edit, "timeSpentMs");
        Assert.Equal(1200, server.Store.Collections.Annotations.All().Single().TimeSpentMs);
    }

    [Fact]
    public async Task A_campaign_with_null_allowed_annotators_is_open_to_everyone()
    {
        await using var server = await TestServer.StartAsync();
        using var admin = server.Client();
        var created = await admin.PostAsync("/api/campaigns", new StringContent("""{"name": "open", "allowedAnnotatorIds": null}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var alice = server.Client(await server.CreateAnnotatorAsync("alice"));
        var mine = await alice.GetAsync("/api/my/campaigns");
        Assert.Equal(HttpStatusCode.OK, mine.StatusCode);
        Assert.Equal("open", Assert.Single((await mine.Content.ReadFromJsonAsync<JsonElement[]>())!).GetProperty("id").GetString());
    }

    [Theory]
    [InlineData("""{"name": "x", "reservationMinutes": 1e300}""", "reservationMinutes")]
    [InlineData("""{"name": "x", "reservationMinutes": 100000}""", "reservationMinutes")]
    [InlineData("""{"name": null}""", "name")]
    [InlineData("""{"name": "x", "guidelines": null}""", "guidelines")]
    [InlineData("""{"name": "x", "allowedAnnotatorIds": [null]}""", "allowedAnnotatorIds")]
    [InlineData("""{"name": "NAME201"}""", "name")]
    public async Task A_bad_campaign_is_400_naming_the_field_and_nothing_is_created(string body, string field)
    {
        await using var server = await TestServer.StartAsync();
        using var admin = server.Client();
        body = body.Replace("NAME201", new string('n', 201));
        await AssertRejectsAsync(await admin.PostAsync("/api/campaigns", new StringContent(body, Encoding.UTF8, "application/json")), field);
        Assert.Empty((await admin.GetFromJsonAsync<JsonElement[]>("/api/campaigns"))!);
    }

    [Theory]
    [InlineData("""{"name": "x", "role": 99}""", "role")]
    [InlineData("""{"name": "x", "kind": 7}""", "kind")]
    [InlineData("""{"name": "NAME201"}""", "name")]
    [InlineData("""{"name": "x", "metadata": {"model": "VALUE20001"}}""", "metadata")]
    [InlineData("""{"name": "x", "metadata": MAP100}""", "metadata")]
    public async Task A_bad_annotator_is_400_naming_the_field_and_nothing_is_stored(string body, string field)
    {
        await using var server = await TestServer.StartAsync();
        using var admin = server.Client();
        var map = JsonSerializer.Serialize(Enumerable.Range(0, 100).ToDictionary(i => $"k{i}", i => "v"));
        body = body.Replace("NAME201", new string('n', 201)).Replace("VALUE20001", new string('v', 20_001)).Replace("MAP100", map);
        await AssertRejectsAsync(await admin.PostAsync("/api/annotators", new StringContent(body, Encoding.UTF8, "application/json")), field);
        Assert.Single(server.Store.Annotators.All()); // the admin alone
    }

    [Fact]
    public async Task A_truncated_json_array_import_is_400_and_stores_nothing()
    {
        await using var server = await TestServer.StartAsync();
        using var admin = server.Client();
        var campaign = await admin.CreateCampaignAsync("c");
        const string truncated = """[{"prompt": "a", "completions": ["x", "y"]}, {"prompt": "b", "completions": ["x",""";
        var response = await admin.PostAsync($"/api/campaigns/{campaign}/import", new StringContent(truncated, Encoding.UTF8, "application/json"));
        await AssertRejectsAsync(response, "body");
        Assert.Equal(0, server.Store.Collections.Prompts.Count());
    }

    [Fact]
    public async Task An_import_over_the_configured_cap_is_413_problem_details_naming_the_body_and_stores_nothing()
    {
        await using var server = await TestServer.StartAsync(o => o with { MaxImportBodyBytes = 4096 });
        using var admin = server.Client();
        var campaign = await admin.CreateCampaignAsync("c");
        var response = await admin.ImportAsync(campaign, Infrastructure.Api.PromptCompletionsJsonl(200));
        await AssertRejectsAsync(response, "body", HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(0, server.Store.Collections.Prompts.Count());
        // Under the cap the same endpoint imports.
        Assert.Equal(HttpStatusCode.OK, (await admin.ImportAsync(campaign, Infrastructure.Api.PromptCompletionsJsonl(5))).StatusCode);
    }

    [Fact]
    public async Task Metrics_with_a_null_values_map_are_400()
    {
        await using var server = await TestServer.StartAsync();
        using var admin = server.Client();
        var run = (await (await admin.PostAsJsonAsync("/api/runs", new { name = "r" })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        var response = await admin.PostAsync($"/api/runs/{run}/metrics", new StringContent("""{"step": 1, "values": null}""", Encoding.UTF8, "application/json"));
        await AssertRejectsAsync(response, "values");
    }
}
