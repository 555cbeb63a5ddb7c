using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace Preference.Cli.Tests.RewardServing;

/// <summary>`pref serve-reward` as a user runs it: the shipped example config, and a bad config refused in one line.</summary>
public sealed class ServeRewardCommandTests
{
    [Fact]
    public async Task The_stories_example_config_serves_the_ppo_stories_rewards()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "pref.dll"), "serve-reward", "--config", RepoFiles.Path("configs/reward-server-stories.yaml"), "--urls", "http://127.0.0.1:0" })
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        try
        {
            // The host's own lifetime messages share stdout; the announcement names the bound address.
            string? line;
            do line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(1));
            while (line is not null && !line.StartsWith("reward server: ", StringComparison.Ordinal));
            Assert.StartsWith("reward server: http://127.0.0.1:", line);
            using var client = new HttpClient { BaseAddress = new Uri(line!.Split(' ')[2]) };

            var response = await client.PostAsJsonAsync("/get_reward", new { query = new[] { "Once. The dog was happy.", "Once. It rained." }, prompts = new[] { "Once.", "Once." } });

            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal("[2,0]", body.GetProperty("rewards").GetRawText());
            Assert.Equal("[1,0]", body.GetProperty("extra_logs").GetProperty("dog").GetRawText());
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task A_config_without_rewards_is_one_error_line_naming_the_key()
    {
        var config = Path.Combine(Directory.CreateTempSubdirectory("serve-reward-").FullName, "empty.yaml");
        await File.WriteAllTextAsync(config, "reward_server:\n  max_batch_size: 8\n");

        var result = await PrefProcess.RunAsync("serve-reward", "--config", config, "--urls", "http://127.0.0.1:0");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"error: {config}: reward_server.rewards: at least one reward source is required", result.Stderr.Trim());
    }

    [Fact]
    public async Task An_unknown_reward_server_key_is_refused_before_listening()
    {
        var config = Path.Combine(Directory.CreateTempSubdirectory("serve-reward-").FullName, "typo.yaml");
        await File.WriteAllTextAsync(config, "reward_server:\n  rewards: [{kind: keyword, keyword: dog}]\n  max_batch: 8\n");

        var result = await PrefProcess.RunAsync("serve-reward", "--config", config);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("reward_server.max_batch: unknown key 'max_batch'", result.Stderr);
    }
}
