using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Preference.Server.Tests.Infrastructure;

namespace Preference.Server.Tests.Api;

public class AnnotationFlowTests
{
    [Fact]
    public async Task Two_annotators_close_a_task_and_the_export_holds_their_agreed_pair()
    {
        await using var server = await TestServer.StartAsync();
        using var admin = server.Client();
        var campaign = await admin.CreateCampaignAsync("pairs", overlap: 2);
        await admin.ImportAsync(campaign, """{"prompt": "2+2?", "completions": ["4", "5"]}""");
        using var alice = server.Client(await server.CreateAnnotatorAsync("alice"));
        using var bob = server.Client(await server.CreateAnnotatorAsync("bob"));

        foreach (var annotator in new[] { alice, bob })
        {
            var task = (await annotator.NextAsync(campaign))!.Value;
            var four = task.GetProperty("completions").EnumerateArray().Single(c => c.GetProperty("text").GetString() == "4").GetProperty("id").GetString()!;
            var five = task.ShownIds().Single(id => id != four);
            var response = await annotator.SubmitAsync(campaign, task.GetProperty("taskId").GetString()!, [[four], [five]]);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }

        var progress = await admin.GetFromJsonAsync<JsonElement>($"/api/campaigns/{campaign}/progress");
        Assert.Equal(1, progress.GetProperty("tasksDone").GetInt32());
        Assert.Null(await alice.NextAsync(campaign));

        var export = await admin.GetStringAsync($"/api/campaigns/{campaign}/export?style=standard&aggregate=majority&minAgreement=1");
        var row = JsonDocument.Parse(export.Trim()).RootElement;
        Assert.Equal(("2+2?", "4", "5", 2), (row.GetProperty("prompt").GetString(), row.GetProperty("chosen").GetString(),
            row.GetProperty("rejected").GetString(), row.GetProperty("votes").GetInt32()));
    }

    [Fact]
    public async Task Min_agreement_drops_a_pair_the_annotators_split_on()
    {
        await using var server = await TestServer.StartAsync();
        using var admin = server.Client();
        var campaign = await admin.CreateCampaignAsync("split", overlap: 3);
        await admin.ImportAsync(campaign, """{"prompt": "p", "completions": ["a", "b"]}""");
        for (int i = 0; i < 3; i++)
        {
            using var annotator = server.Client(await server.CreateAnnotatorAsync($"a{i}"));
            var task = (await annotator.NextAsync(campaign))!.Value;
            var byId = task.GetProperty("completions").EnumerateArray().ToDictionary(c => c.GetProperty("text").GetString()!, c => c.GetProperty("id").GetString()!);
            string[][] ranking = i < 2 ? [[byId["a"]], [byId["b"]]] : [[byId["b"]], [byId["a"]]];
            (await annotator.SubmitAsync(campaign, task.GetProperty("taskId").GetString()!, ranking)).EnsureSuccessStatusCode();
        }
        var all = await admin.GetStringAsync($"/api/campaigns/{campaign}/export?aggregate=bradleyTerry");
        var strict = await admin.GetStringAsync($"/api/campaigns/{campaign}/export?aggregate=bradleyTerry&minAgreement=0.7");
        Assert.Single(all.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Empty(strict.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task A_ranking_missing_a_response_is_400_naming_ranking_and_stores_nothing()
    {
        await using var server = await TestServer.StartAsync();
        using var admin = server.Client();
        var campaign = await admin.CreateCampaignAsync("bad", k: 3);
        await admin.ImportAsync(campaign, Infrastructure.Api.PromptCompletionsJsonl(1, k: 3));
        using var alice = server.Client(await server.CreateAnnotatorAsync("alice"));
        var task = (await alice.NextAsync(campaign))!.Value;
        var ids = task.ShownIds();

        var response = await alice.SubmitAsync(campaign, task.GetProperty("taskId").GetString()!, [[ids[0]], [ids[1]]]);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.ProblemAsync();
        Assert.Contains("not ranked", problem.GetProperty("errors").GetProperty("ranking")[0].GetString());
        Assert.Equal(0, server.Store.Collections.Annotations.Count());
    }

    [Fact]
    public async Task A_body_missing_a_required_field_is_400_naming_it()
    {
        await using var server = await TestServer.StartAsync();
        using var admin = server.Client();
        var campaign = await admin.CreateCampaignAsync("missing");
        var response = await admin.PostAsJsonAsync($"/api/campaigns/{campaign}/annotations", new { ranking = new[] { new[] { "a" } } });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.ProblemAsync()).GetProperty("errors").TryGetProperty("taskId", out _));
    }

    [Fact]
    public async Task Malformed_json_is_400_problem_details()
    {
        await using var server = await TestServer.StartAsync();
        using var admin = server.Client();
        var response = await admin.PostAsync("/api/campaigns", new StringContent("{\"name\": ", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(400, (await response.ProblemAsync()).GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task An_invalid_campaign_setting_is_400_naming_the_field()
    {
        await using var server = await TestServer.StartAsync();
        using var admin = server.Client();
        var response = await admin.PostAsJsonAsync("/api/campaigns", new { name = "x", responsesPerTask = 12 });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.ProblemAsync()).GetProperty("errors").TryGetProperty("responsesPerTask", out _));
    }

    [Fact]
    public async Task An_annotator_sees_and_edits_only_their_own_last_submission()
    {
        await using var server = await TestServer.StartAsync();
        using var admin = server.Client();
        var campaign = await admin.CreateCampaignAsync("edit", overlap: 2);
        await admin.ImportAsync(campaign, Infrastructure.Api.PromptCompletionsJsonl(1));
        using var alice = server.Client(await server.CreateAnnotatorAsync("alice"));
        using var bob = server.Client(await server.CreateAnnotatorAsync("bob"));
        var task = (await alice.NextAsync(campaign))!.Value;
        var taskId = task.GetProperty("taskId").GetString()!;
        var ids = task.ShownIds();
        (await alice.SubmitAsync(campaign, taskId, [[ids[0]], [ids[1]]])).EnsureSuccessStatusCode();

        Assert.Equal(HttpStatusCode.NotFound, (await bob.GetAsync($"/api/campaigns/{campaign}/annotations/last")).StatusCode);
        var edit = await alice.PutAsJsonAsync($"/api/campaigns/{campaign}/annotations/last", new { taskId, ranking = new[] { ids } });
        Assert.Equal(HttpStatusCode.OK, edit.StatusCode);
        var last = await alice.GetFromJsonAsync<JsonElement>($"/api/campaigns/{campaign}/annotations/last");
        Assert.Equal(1, last.GetProperty("ranking").GetArrayLength());
        Assert.Equal("alice", last.GetProperty("annotatorId").GetString());
    }

    [Fact]
    public async Task Skip_returns_the_task_for_someone_else()
    {
        await using var server = await TestServer.StartAsync();
        using var admin = server.Client();
        var campaign = await admin.CreateCampaignAsync("skip");
        await admin.ImportAsync(campaign, Infrastructure.Api.PromptCompletionsJsonl(1));
        using var alice = server.Client(await server.CreateAnnotatorAsync("alice"));
        using var bob = server.Client(await server.CreateAnnotatorAsync("bob"));
        var taskId = (await alice.NextAsync(campaign))!.Value.GetProperty("taskId").GetString();
        Assert.Null(await bob.NextAsync(campaign));
        Assert.Equal(HttpStatusCode.NoContent, (await alice.PostAsync($"/api/campaigns/{campaign}/tasks/{taskId}/skip", null)).StatusCode);
        Assert.Null(await alice.NextAsync(campaign));
        Assert.Equal(taskId, (await bob.NextAsync(campaign))!.Value.GetProperty("taskId").GetString());
    }

    [Fact]
    public async Task Agreement_reports_kappa_for_two_annotators_who_agree_on_everything()
    {
        await using var server = await TestServer.StartAsync();
        using var admin = server.Client();
        var campaign = await admin.CreateCampaignAsync("agree", overlap: 2);
        await admin.ImportAsync(campaign, Infrastructure.Api.PromptCompletionsJsonl(4));
        foreach (var name in new[] { "alice", "bob" })
        {
            using var annotator = server.Client(await server.CreateAnnotatorAsync(name));
            int i = 0;
            while (await annotator.NextAsync(campaign) is { } task)
            {
                // The report labels each pair in the order of the stored ids (import order), so both annotators prefer
                // the first-imported answer on even prompts and the second on odd ones: both labels occur (with one
                // label only, kappa would be undefined, not 1). The offered ids say nothing of that order; the texts do.
                var byImport = task.GetProperty("completions").EnumerateArray()
                    .OrderBy(c => c.GetProperty("text").GetString(), StringComparer.Ordinal).Select(c => c.GetProperty("id").GetString()!).ToArray();
                var prompt = task.GetProperty("prompt").GetProperty("text").GetString()!;
                bool even = int.Parse(prompt.Split(' ')[1].TrimEnd('?')) % 2 == 0;
                string[][] ranking = even ? [[byImport[0]], [byImport[1]]] : [[byImport[1]], [byImport[0]]];
                (await annotator.SubmitAsync(campaign, task.GetProperty("taskId").GetString()!, ranking)).EnsureSuccessStatusCode();
                i++;
            }
            Assert.Equal(4, i);
        }
        var report = await admin.GetFromJsonAsync<JsonElement>($"/api/campaigns/{campaign}/agreement");
        Assert.Equal(4, report.GetProperty("items").GetInt32());
        Assert.Equal(1.0, report.GetProperty("percentAgreement").GetDouble(), 9);
        Assert.Equal(1.0, report.GetProperty("cohensKappa")[0].GetProperty("kappa").GetDouble(), 9);
    }

    [Fact]
    public async Task The_openapi_document_describes_the_annotation_endpoints()
    {
        await using var server = await TestServer.StartAsync();
        using var anonymous = server.Client(token: null);
        var doc = await anonymous.GetStringAsync("/openapi/v1.json");
        Assert.Contains("/api/campaigns/{campaignId}/next", doc);
        Assert.Contains("/api/campaigns/{campaignId}/import", doc);
    }

    [Fact]
    public async Task Without_a_built_ui_the_root_page_says_how_to_build_it()
    {
        var empty = Directory.CreateTempSubdirectory("pref-no-ui").FullName;
        await using var server = await TestServer.StartAsync(o => o with { UiDirectory = empty });
        using var anonymous = server.Client(token: null);
        Assert.Contains("tools/install-deps.sh", await anonymous.GetStringAsync("/"));
    }
}
