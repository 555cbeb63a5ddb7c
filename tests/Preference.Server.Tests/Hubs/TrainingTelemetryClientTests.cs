using System.Net.Http.Json;
using System.Text.Json;
using Preference.Core.Domain;
using Preference.Server.Tests.Infrastructure;
using Preference.Training.Telemetry;

namespace Preference.Server.Tests.Hubs;

public class TrainingTelemetryClientTests
{
    [Fact]
    public async Task A_trainer_process_publishes_steps_that_the_admin_api_returns_in_order()
    {
        await using var server = await TestServer.StartAsync();
        var token = await server.CreateAnnotatorAsync("reward trainer", role: AnnotatorRole.Trainer);
        await using (var telemetry = await TrainingTelemetryClient.StartRunAsync(server.BaseAddress, token, "rm tiny", "reward"))
        {
            for (int step = 1; step <= 3; step++)
                await telemetry.PublishAsync(step, new Dictionary<string, double> { ["loss"] = 1.0 / step, ["accuracy"] = 0.5 + step / 10.0 });
        }
        using var admin = server.Client();
        var runs = await admin.GetFromJsonAsync<JsonElement[]>("/api/runs");
        var run = Assert.Single(runs!);
        Assert.Equal("reward", run.GetProperty("stage").GetString());
        var metrics = await admin.GetFromJsonAsync<JsonElement[]>($"/api/runs/{run.GetProperty("id").GetString()}/metrics");
        var losses = metrics!.Where(m => m.GetProperty("name").GetString() == "loss").Select(m => m.GetProperty("value").GetDouble()).ToList();
        Assert.Equal([1.0, 0.5, 1.0 / 3], losses);
    }

    [Fact]
    public async Task A_connection_opened_before_its_token_was_revoked_can_publish_no_more()
    {
        await using var server = await TestServer.StartAsync();
        var token = await server.CreateAnnotatorAsync("ppo trainer", role: AnnotatorRole.Trainer);
        await using var telemetry = await TrainingTelemetryClient.StartRunAsync(server.BaseAddress, token, "ppo", "ppo");
        await telemetry.PublishAsync(1, new Dictionary<string, double> { ["loss"] = 1.0 });

        using var admin = server.Client();
        (await admin.PostAsync("/api/annotators/ppo-trainer/revoke", null)).EnsureSuccessStatusCode();

        await Assert.ThrowsAnyAsync<Exception>(() => telemetry.PublishAsync(2, new Dictionary<string, double> { ["loss"] = 0.5 }));
        var metrics = await admin.GetFromJsonAsync<JsonElement[]>($"/api/runs/{telemetry.Run.Id}/metrics");
        Assert.Equal([1L], metrics!.Select(m => m.GetProperty("step").GetInt64()));
    }

    [Fact]
    public async Task An_annotator_token_cannot_start_a_run()
    {
        await using var server = await TestServer.StartAsync();
        var token = await server.CreateAnnotatorAsync("alice");
        await Assert.ThrowsAnyAsync<Exception>(() => TrainingTelemetryClient.StartRunAsync(server.BaseAddress, token, "x", "ppo"));
    }
}
