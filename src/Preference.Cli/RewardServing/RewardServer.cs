using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Preference.Training.Rewards;

namespace Preference.Cli.RewardServing;

/// <summary>
/// Builds the reward server on Kestrel around an already composed reward. `pref serve-reward`, the tests and the
/// benchmark all start this same app. It lives in the CLI rather than Preference.Server because what it serves is a
/// composition of Training and Judges (reward models on TorchSharp, AI judges), which only the CLI references; the
/// annotation server stays free of libtorch.
/// </summary>
public static class RewardServer
{
    /// <param name="token">Bearer token the scoring endpoints require; null leaves them open.</param>
    public static WebApplication Build(RewardServerConfig config, WeightedReward reward, string urls, string? token)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.UseUrls(urls);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = config.MaxRequestBodyBytes);
        // Per-request logs would cost more than the requests under load; warnings and the lifetime messages stay.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi(o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Preference reward server";
            document.Info.Description = "Rewards from rules, reward models and judges for OpenRLHF (/get_reward), verl and TRL (/v1/rewards).";
            return Task.CompletedTask;
        }));
        builder.Services.AddSingleton(config);
        builder.Services.AddSingleton(reward);
        builder.Services.AddSingleton(_ => new RewardBatcher(reward, config.MaxBatchSize,
            TimeSpan.FromMilliseconds(config.MaxBatchDelayMs), config.MaxQueuedItems));

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapOpenApi("/openapi.json");
        app.MapRewardEndpoints(token);
        return app;
    }
}
