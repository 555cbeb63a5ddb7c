using System.Net.Http.Headers;
using System.Text;
using Preference.Cli.RewardServing;
using Preference.Training.Rewards;
using Microsoft.AspNetCore.Builder;

namespace Preference.Cli.Tests.RewardServing;

/// <summary>The reward server on real Kestrel on a free loopback port, with a client pointed at it.</summary>
public sealed class RunningRewardServer : IAsyncDisposable
{
    readonly WebApplication _app;

    RunningRewardServer(WebApplication app, HttpClient client)
    {
        _app = app;
        Client = client;
    }

    public HttpClient Client { get; }

    public static async Task<RunningRewardServer> StartAsync(WeightedReward reward, RewardServerConfig? config = null, string? token = null)
    {
        var app = RewardServer.Build(config ?? new RewardServerConfig { Rewards = [new RewardSpec { Kind = "keyword", Keyword = "x" }] },
            reward, "http://127.0.0.1:0", token);
        await app.StartAsync();
        return new RunningRewardServer(app, new HttpClient { BaseAddress = new Uri(app.Urls.First()) });
    }

    /// <summary>The stories rules of configs/reward-server-stories.yaml: +1 for "dog", +1 for "happy".</summary>
    public static WeightedReward StoryRules() => RewardSources.Build([
        new RewardSpec { Kind = "keyword", Name = "dog", Keyword = "dog" },
        new RewardSpec { Kind = "keyword", Name = "happy", Keyword = "happy" },
    ]);

    public Task<HttpResponseMessage> PostJsonAsync(string path, object body, string? token = null) =>
        PostRawAsync(path, System.Text.Json.JsonSerializer.Serialize(body), token);

    public Task<HttpResponseMessage> PostRawAsync(string path, string json, string? token = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return Client.SendAsync(request);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
