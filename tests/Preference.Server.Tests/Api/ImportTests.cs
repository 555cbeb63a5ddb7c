using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Preference.Server.Tests.Infrastructure;

namespace Preference.Server.Tests.Api;

public class ImportTests
{
    [Fact]
    public async Task An_import_with_bad_lines_lists_each_line_and_stores_nothing()
    {
        await using var server = await TestServer.StartAsync();
        using var admin = server.Client();
        var campaign = await admin.CreateCampaignAsync("import");
        Assert.Equal(HttpStatusCode.OK, (await admin.ImportAsync(campaign, Infrastructure.Api.PromptCompletionsJsonl(2))).StatusCode);

        var bad = """
            {"prompt": "fine", "completions": ["a", "b"]}
            {"prompt": "broken", "completions": ["a"
            {"prompt": "one answer", "completions": ["a"]}
            """;
        var response = await admin.ImportAsync(campaign, bad);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.ProblemAsync()).GetProperty("errors");
        Assert.Equal(["line 2", "line 3"], errors.EnumerateObject().Select(e => e.Name));

        // The two tasks imported before are intact and the rejected file added none.
        var progress = await admin.GetFromJsonAsync<JsonElement>($"/api/campaigns/{campaign}/progress");
        Assert.Equal(2, progress.GetProperty("tasks").GetInt32());
        Assert.Equal(2, server.Store.Collections.Prompts.Count());
    }

    [Fact]
    public async Task Real_qa_feedback_questions_import_as_four_way_tasks()
    {
        await ImportQaFeedbackAsync(TestData.Fixture("qa-feedback", "dev_feedback-first12.json"), expectedTasks: 12);
    }

    [SharedDataFact]
    public async Task The_whole_qa_feedback_file_imports_as_500_four_way_tasks()
    {
        await ImportQaFeedbackAsync(TestData.Shared("data", "qa-feedback", "dev_feedback.json"), expectedTasks: 500);
    }

    private static async Task ImportQaFeedbackAsync(string path, int expectedTasks)
    {
        await using var server = await TestServer.StartAsync();
        using var admin = server.Client();
        var campaign = await admin.CreateCampaignAsync("qa", k: 4);
        await using var file = File.OpenRead(path);
        var response = await admin.PostAsync($"/api/campaigns/{campaign}/import?format=qaFeedback", new StreamContent(file));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expectedTasks, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("tasks").GetInt32());
        using var alice = server.Client(await server.CreateAnnotatorAsync("alice"));
        Assert.Equal(4, (await alice.NextAsync(campaign))!.Value.ShownIds().Length);
    }

    [Fact]
    public async Task Importing_into_a_missing_campaign_is_404()
    {
        await using var server = await TestServer.StartAsync();
        using var admin = server.Client();
        var response = await admin.ImportAsync("nope", Infrastructure.Api.PromptCompletionsJsonl(1));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("nope", (await response.ProblemAsync()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_body_over_the_size_limit_is_413()
    {
        await using var server = await TestServer.StartAsync(o => o with { MaxRequestBodyBytes = 1024 });
        using var admin = server.Client();
        var response = await admin.PostAsync("/api/campaigns",
            new StringContent(JsonSerializer.Serialize(new { name = "big", guidelines = new string('x', 4096) }), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }
}
