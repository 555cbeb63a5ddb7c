using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Preference.Core.Domain;
using Preference.Server.Tests.Infrastructure;

namespace Preference.Server.Tests.Api;

/// <summary>Who may do what with a token, and how an admin takes a token away: on the real server over loopback.</summary>
public class AccessControlTests
{
    [Fact]
    public async Task A_revoked_token_gets_401_at_once_and_the_annotators_work_stays()
    {
        await using var server = await TestServer.StartAsync();
        using var admin = server.Client();
        var campaign = await admin.CreateCampaignAsync("c");
        (await admin.ImportAsync(campaign, Infrastructure.Api.PromptCompletionsJsonl(2))).EnsureSuccessStatusCode();
        using var alice = server.Client(await server.CreateAnnotatorAsync("alice"));
        var task = (await alice.NextAsync(campaign))!.Value;
        (await alice.SubmitAsync(campaign, task.GetProperty("taskId").GetString()!, [[.. task.ShownIds()]])).EnsureSuccessStatusCode();

        var revoked = await admin.PostAsync("/api/annotators/alice/revoke", null);
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        Assert.True((await revoked.Content.ReadFromJsonAsync<JsonElement>()).TryGetProperty("revokedAt", out _));

        Assert.Equal(HttpStatusCode.Unauthorized, (await alice.GetAsync("/api/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await alice.PostAsync($"/api/campaigns/{campaign}/next", null)).StatusCode);
        Assert.Single((await admin.GetFromJsonAsync<JsonElement[]>($"/api/campaigns/{campaign}/annotations?annotatorId=alice"))!);
        var listed = (await admin.GetFromJsonAsync<JsonElement[]>("/api/annotators"))!.Single(a => a.GetProperty("id").GetString() == "alice");
        Assert.Equal(JsonValueKind.String, listed.GetProperty("revokedAt").ValueKind);
    }

    [Fact]
    public async Task Rotating_a_token_kills_the_old_one_and_the_new_one_works()
    {
        await using var server = await TestServer.StartAsync();
        using var admin = server.Client();
        var oldToken = await server.CreateAnnotatorAsync("bob");

        var rotated = await admin.PostAsync("/api/annotators/bob/token", null);
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        var newToken = (await rotated.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;

        Assert.NotEqual(oldToken, newToken);
        using var old = server.Client(oldToken);
        Assert.Equal(HttpStatusCode.Unauthorized, (await old.GetAsync("/api/me")).StatusCode);
        using var fresh = server.Client(newToken);
        Assert.Equal("bob", (await fresh.GetFromJsonAsync<JsonElement>("/api/me")).GetProperty("id").GetString());
    }

    [Fact]
    public async Task Rotating_a_revoked_identity_gives_it_a_working_token_again()
    {
        await using var server = await TestServer.StartAsync();
        using var admin = server.Client();
        await server.CreateAnnotatorAsync("carol");
        (await admin.PostAsync("/api/annotators/carol/revoke", null)).EnsureSuccessStatusCode();
        var token = (await (await admin.PostAsync("/api/annotators/carol/token", null)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
        using var carol = server.Client(token);
        Assert.Equal(HttpStatusCode.OK, (await carol.GetAsync("/api/me")).StatusCode);
    }

    [Fact]
    public async Task Revoking_an_unknown_annotator_is_404_and_revoking_yourself_is_409()
    {
        await using var server = await TestServer.StartAsync();
        using var admin = server.Client();
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync("/api/annotators/nobody/revoke", null)).StatusCode);
        var self = await admin.PostAsync("/api/annotators/admin/revoke", null);
        Assert.Equal(HttpStatusCode.Conflict, self.StatusCode);
        await self.ProblemAsync();
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/me")).StatusCode);
    }

    [Fact]
    public async Task Only_admins_revoke_or_rotate()
    {
        await using var server = await TestServer.StartAsync();
        await server.CreateAnnotatorAsync("victim");
        using var alice = server.Client(await server.CreateAnnotatorAsync("alice"));
        Assert.Equal(HttpStatusCode.Forbidden, (await alice.PostAsync("/api/annotators/victim/revoke", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await alice.PostAsync("/api/annotators/victim/token", null)).StatusCode);
    }

    [Fact]
    public async Task Restarting_with_another_admin_token_replaces_the_old_admin_token()
    {
        var data = Path.Combine(Path.GetTempPath(), "pref-server-" + Guid.NewGuid().ToString("N"));
        var first = await TestServer.StartAsync(o => o with { DataDirectory = data, AdminToken = "pref_first_admin_token" });
        string campaign;
        using (var admin = first.Client("pref_first_admin_token")) campaign = await admin.CreateCampaignAsync("kept");
        await first.StopAsync();

        await using var second = await TestServer.StartAsync(o => o with { DataDirectory = data, AdminToken = "pref_second_admin_token" });
        using var oldAdmin = second.Client("pref_first_admin_token");
        Assert.Equal(HttpStatusCode.Unauthorized, (await oldAdmin.GetAsync("/api/campaigns")).StatusCode);
        using var newAdmin = second.Client("pref_second_admin_token");
        Assert.Equal(HttpStatusCode.OK, (await newAdmin.GetAsync($"/api/campaigns/{campaign}")).StatusCode);
        var admins = (await newAdmin.GetFromJsonAsync<JsonElement[]>("/api/annotators"))!.Where(a => a.GetProperty("role").GetString() == "admin").ToList();
        Assert.Equal("admin", Assert.Single(admins).GetProperty("id").GetString());
    }

    [Fact]
    public async Task A_trainer_token_cannot_annotate()
    {
        await using var server = await TestServer.StartAsync();
        using var admin = server.Client();
        var campaign = await admin.CreateCampaignAsync("c");
        (await admin.ImportAsync(campaign, Infrastructure.Api.PromptCompletionsJsonl(1))).EnsureSuccessStatusCode();
        using var trainer = server.Client(await server.CreateAnnotatorAsync("ppo", role: AnnotatorRole.Trainer));

        Assert.Equal(HttpStatusCode.Forbidden, (await trainer.GetAsync("/api/my/campaigns")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await trainer.PostAsync($"/api/campaigns/{campaign}/next", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await trainer.SubmitAsync(campaign, "t", [["a"], ["b"]])).StatusCode);
        Assert.Equal(0, (await admin.GetFromJsonAsync<JsonElement>($"/api/campaigns/{campaign}/progress")).GetProperty("annotations").GetInt32());
    }

    [Fact]
    public async Task A_trainer_publishes_to_its_own_runs_and_not_to_another_trainers()
    {
        await using var server = await TestServer.StartAsync();
        using var admin = server.Client();
        using var mine = server.Client(await server.CreateAnnotatorAsync("trainer-a", role: AnnotatorRole.Trainer));
        using var theirs = server.Client(await server.CreateAnnotatorAsync("trainer-b", role: AnnotatorRole.Trainer));
        var run = await StartRunAsync(mine, "ppo-1");
        var other = await StartRunAsync(theirs, "ppo-2");

        Assert.Equal(HttpStatusCode.NoContent, (await PublishAsync(mine, run, 1, 0.5)).StatusCode);
        var refused = await PublishAsync(mine, other, 1, 99);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("not started by", (await refused.ProblemAsync()).GetProperty("detail").GetString());
        Assert.Empty((await admin.GetFromJsonAsync<JsonElement[]>($"/api/runs/{other}/metrics"))!);
        // An admin may correct any run.
        Assert.Equal(HttpStatusCode.NoContent, (await PublishAsync(admin, other, 2, 0.1)).StatusCode);
    }

    private static async Task<string> StartRunAsync(HttpClient client, string name)
    {
        var response = await client.PostAsJsonAsync("/api/runs", new { name, stage = "ppo" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private static Task<HttpResponseMessage> PublishAsync(HttpClient client, string run, long step, double kl) =>
        client.PostAsJsonAsync($"/api/runs/{run}/metrics", new { step, values = new Dictionary<string, double> { ["objective/kl"] = kl } });
}
