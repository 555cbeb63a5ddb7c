using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Preference.Core.Domain;
using Preference.Server.Tests.Infrastructure;
using Preference.Store.Queue;

namespace Preference.Server.Tests.Hubs;

public class HubTests
{
    private static HubConnection Connect(TestServer server, string path, string token) =>
        new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, path), o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
            .AddJsonProtocol(o => PreferenceJson.Configure(o.PayloadSerializerOptions))
            .Build();

    [Fact]
    public async Task Admins_watching_a_campaign_receive_progress_as_annotations_arrive()
    {
        await using var server = await TestServer.StartAsync();
        using var admin = server.Client();
        var campaign = await admin.CreateCampaignAsync("live");
        await admin.ImportAsync(campaign, Infrastructure.Api.PromptCompletionsJsonl(3));
        await using var hub = Connect(server, "/hubs/progress", TestServer.AdminToken);
        var updates = Channel.CreateUnbounded<CampaignProgress>();
        hub.On<CampaignProgress>("progress", p => updates.Writer.TryWrite(p));
        await hub.StartAsync();
        var initial = await hub.InvokeAsync<CampaignProgress>("Watch", campaign);
        Assert.Equal(0, initial.Annotations);

        using var alice = server.Client(await server.CreateAnnotatorAsync("alice"));
        var task = (await alice.NextAsync(campaign))!.Value;
        var ids = task.ShownIds();
        (await alice.SubmitAsync(campaign, task.GetProperty("taskId").GetString()!, [[ids[0]], [ids[1]]])).EnsureSuccessStatusCode();

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var update = await updates.Reader.ReadAsync(timeout.Token);
        Assert.Equal(1, update.Annotations);
        Assert.Equal(1, update.PerAnnotator["alice"]);
    }

    [Fact]
    public async Task Annotators_cannot_watch_campaign_progress()
    {
        await using var server = await TestServer.StartAsync();
        await using var hub = Connect(server, "/hubs/progress", await server.CreateAnnotatorAsync("alice"));
        await Assert.ThrowsAnyAsync<Exception>(() => hub.StartAsync());
    }

    [Fact]
    public async Task Metrics_a_trainer_publishes_reach_a_watching_dashboard_and_are_stored()
    {
        await using var server = await TestServer.StartAsync();
        var trainerToken = await server.CreateAnnotatorAsync("ppo trainer", role: AnnotatorRole.Trainer);
        await using var trainer = Connect(server, "/hubs/training", trainerToken);
        await using var dashboard = Connect(server, "/hubs/training", TestServer.AdminToken);
        var received = Channel.CreateUnbounded<(string, long, Dictionary<string, double>)>();
        dashboard.On<string, long, Dictionary<string, double>>("metrics", (run, step, values) => received.Writer.TryWrite((run, step, values)));
        await trainer.StartAsync();
        await dashboard.StartAsync();

        var run = await trainer.InvokeAsync<TrainingRun>("StartRun", new { name = "ppo tiny", stage = "ppo" });
        var history = await dashboard.InvokeAsync<List<MetricPoint>>("Watch", run.Id);
        Assert.Empty(history);
        await trainer.InvokeAsync("Publish", run.Id, new { step = 1, values = new Dictionary<string, double> { ["objective/kl"] = 0.25 } });

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var (runId, step, values) = await received.Reader.ReadAsync(timeout.Token);
        Assert.Equal((run.Id, 1L, 0.25), (runId, step, values["objective/kl"]));
        Assert.Single(server.Store.Runs.Metrics(run.Id));
    }

    [Fact]
    public async Task An_annotator_token_cannot_publish_training_metrics()
    {
        await using var server = await TestServer.StartAsync();
        await using var hub = Connect(server, "/hubs/training", await server.CreateAnnotatorAsync("alice"));
        await hub.StartAsync();
        await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<TrainingRun>("StartRun", new { name = "sneaky" }));
    }
}
