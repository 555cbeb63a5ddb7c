using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using Preference.Cli.Configuration;
using Preference.Cli.Rewards;
using Preference.Cli.RewardServing;
using Preference.Cli.Serving;
using Preference.Models;
using Preference.Models.Generation;

namespace Preference.Cli.Commands;

/// <summary>
/// `pref serve-reward --config configs/reward-server-stories.yaml --urls http://0.0.0.0:5090`: serves the configured
/// rewards (rules, reward models, judges, weighted) over HTTP to OpenRLHF (<c>POST /get_reward</c>), verl and TRL
/// (<c>POST /v1/rewards</c>). Code: src/Preference.Cli/RewardServing/.
/// </summary>
public static class ServeRewardCommand
{
    public static Command Create()
    {
        var config = new Option<FileInfo>("--config") { Description = "YAML config with a 'reward_server:' section (see configs/reward-server-*.yaml)", Required = true };
        var set = new Option<string[]>("--set") { Description = "Override a setting: reward_server.key=value (repeatable)", AllowMultipleArgumentsPerToken = false };
        var urls = new Option<string>("--urls") { Description = "Listen address(es); port 0 picks a free port", DefaultValueFactory = _ => "http://127.0.0.1:5090" };
        var token = new Option<string?>("--token")
        {
            Description = "Bearer token the scoring endpoints require (default: $PREF_REWARD_TOKEN; unset: open)",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("PREF_REWARD_TOKEN") is { Length: > 0 } t ? t : null,
        };
        var command = new Command("serve-reward", "Serve rewards over HTTP to OpenRLHF, verl and TRL")
        {
            config, set, urls, token, RuntimeOptions.Device, RuntimeOptions.Threads,
        };
        command.SetAction(CliAction.Of(async (parse, cancellationToken) =>
        {
            var device = RuntimeOptions.Apply(parse);
            var settings = StageConfigFile.Load<RewardServerConfig>(parse.GetValue(config)!.FullName, "reward_server", parse.GetValue(set) ?? []);
            ModelBundle? baselinePolicy = null;
            try
            {
                var reward = await CliRewardSources.BuildAsync(settings.Rewards, CliRewardSources.AgainstBaseline(() =>
                {
                    baselinePolicy = ModelBundle.Load(settings.BaselinePolicy, device, cancellationToken: cancellationToken);
                    return new ReferenceBaseline(baselinePolicy.Model, baselinePolicy.Tokenizer, new GenerationOptions
                    {
                        MaxNewTokens = settings.BaselineResponseLength,
                        Seed = settings.Seed,
                        EosTokenId = settings.BaselineStopTokenId ?? baselinePolicy.Tokenizer.EosId,
                    });
                }), device, cancellationToken, modelBatchSize: settings.MaxBatchSize);
                await using var app = RewardServer.Build(settings, reward, parse.GetValue(urls)!, parse.GetValue(token));
                try
                {
                    await app.StartAsync(cancellationToken);
                }
                catch (IOException e)
                {
                    throw new CliException($"--urls: cannot listen on {parse.GetValue(urls)}: {e.Message}");
                }
                Console.WriteLine($"reward server: {string.Join(", ", app.Urls)}  sources: {string.Join(", ", reward.Parts.Select(p => $"{p.Weight:0.###} x {p.Source.Name}"))}" +
                                  $"  auth: {(parse.GetValue(token) is null ? "none" : "bearer token")}");
                Console.WriteLine("  POST /get_reward (OpenRLHF)  POST /v1/rewards (verl, TRL)  GET /health  GET /openapi.json");
                await app.WaitForShutdownAsync(cancellationToken);
            }
            finally
            {
                baselinePolicy?.Dispose();
            }
        }));
        return command;
    }
}
