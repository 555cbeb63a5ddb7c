using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Preference.Cli.Pipeline;

namespace Preference.Cli.Tests.Pipeline;

public sealed partial class QuickstartHumanTests : IDisposable
{
    readonly TinyQuickstart _quickstart = new(ppoSteps: 2);

    [Fact]
    public async Task With_human_it_waits_for_rankings_from_the_annotator_it_prints_then_trains_on_them()
    {
        string? address = null;
        int ranked = 0;
        var result = await _quickstart.RunAsync(["--human", "--set", "quickstart.human_poll_seconds=0.2"], async line =>
        {
            if (DashboardLine().Match(line) is { Success: true } d) address = d.Groups[1].Value;
            if (TokenLine().Match(line) is { Success: true } t) ranked = await RankEverythingAsync(new Uri(address!), t.Groups[1].Value);
        });

        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        Assert.Equal(24, ranked);
        Assert.True(new StageLedger(_quickstart.RunDirectory).Read()["eval"].Done);
        // A person ranked every candidate strictly, so every pair of every task was exported: 24 tasks x 15 pairs.
        Assert.Equal(24 * 15, File.ReadLines(Path.Combine(_quickstart.RunDirectory, "export/pairs.jsonl")).Count(l => l.Length > 0));
    }

    /// <summary>What the browser does: take the next task and rank its stories in the order shown.</summary>
    static async Task<int> RankEverythingAsync(Uri address, string token)
    {
        using var http = new HttpClient { BaseAddress = address };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        int count = 0;
        while (true)
        {
            var next = await http.PostAsync("api/campaigns/quickstart/next", null);
            if (next.StatusCode == HttpStatusCode.NoContent) return count;
            next.EnsureSuccessStatusCode();
            using var offer = JsonDocument.Parse(await next.Content.ReadAsStringAsync());
            var task = offer.RootElement.GetProperty("task");
            var tiers = task.GetProperty("completions").EnumerateArray().Select(c => new[] { c.GetProperty("id").GetString()! }).ToArray();
            var submitted = await http.PostAsJsonAsync("api/campaigns/quickstart/annotations",
                new { taskId = task.GetProperty("taskId").GetString(), ranking = tiers });
            submitted.EnsureSuccessStatusCode();
            count++;
        }
    }

    [GeneratedRegex(@"^dashboard: (\S+)")]
    private static partial Regex DashboardLine();

    [GeneratedRegex(@"annotator token (\S+)")]
    private static partial Regex TokenLine();

    public void Dispose() => _quickstart.Dispose();
}
