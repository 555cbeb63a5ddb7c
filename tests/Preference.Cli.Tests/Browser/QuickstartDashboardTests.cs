using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Preference.Cli.Tests.Pipeline;

namespace Preference.Cli.Tests.Browser;

public sealed partial class QuickstartDashboardTests(ChromiumFixture browser) : IClassFixture<ChromiumFixture>, IDisposable
{
    // Enough steps (about a second each on 2 cores) that the page is watching well before PPO ends.
    readonly TinyQuickstart _quickstart = new(ppoSteps: 12);

    sealed record LivePoint(long Step, bool PpoFinished);

    [Fact]
    public async Task The_dashboard_plots_ppo_points_live_while_the_quickstart_runs()
    {
        Uri? address = null;
        string? adminToken = null;
        bool ppoFinished = false;
        var ppoStarted = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = _quickstart.RunAsync([], line =>
        {
            if (DashboardLine().Match(line) is { Success: true } d) (address, adminToken) = (new Uri(d.Groups[1].Value), d.Groups[2].Value);
            if (PpoStartLine().Match(line) is { Success: true } p) ppoStarted.TrySetResult(p.Groups[1].Value);
            if (PpoEndLine().IsMatch(line)) Volatile.Write(ref ppoFinished, true);
            return Task.CompletedTask;
        });

        if (await Task.WhenAny(ppoStarted.Task, run) == run)
        {
            var early = await run;
            Assert.Fail($"the quickstart ended before PPO started (exit {early.ExitCode}):\n{early.Stdout}\n{early.Stderr}");
        }
        string runId = await ppoStarted.Task;

        var page = await browser.Chromium.SignedInPageAsync(address!, adminToken!);
        // Points pushed by the training hub to this page (not the history it is handed on opening): what "live" means.
        var live = new ConcurrentQueue<LivePoint>();
        page.WebSocket += (_, socket) => socket.FrameReceived += (_, frame) =>
        {
            foreach (var step in MetricSteps(frame.Text, runId)) live.Enqueue(new LivePoint(step, Volatile.Read(ref ppoFinished)));
        };
        await page.GotoAsync($"/#/training/{Uri.EscapeDataString(runId)}");

        var chart = page.Locator(".chart[data-metric='objective/scores']");
        await Assertions.Expect(chart).ToBeVisibleAsync(new() { Timeout = 60_000 });
        var before = await chart.ScreenshotAsync();
        int seen = live.Count;
        // Two more than when the chart appeared, and at least the three the assertion below asks for (the chart can
        // appear from history before any point is pushed).
        await Eventually(() => live.Count >= Math.Max(seen + 2, 3), "two more PPO steps pushed to the page", run);
        await Eventually(async () => !(await chart.ScreenshotAsync()).AsSpan().SequenceEqual(before), "the reward chart redrawn with the new points", run);

        var points = live.ToArray();
        Assert.True(points.Count(p => !p.PpoFinished) >= 3, $"fewer than 3 points arrived while PPO ran: {string.Join(", ", points)}");
        Assert.Equal(points.Length, points.Select(p => p.Step).Distinct().Count());
        Assert.False(run.IsCompleted, "the quickstart had already ended when the page saw its points");

        var result = await run;
        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
    }

    /// <summary>Steps of <c>metrics</c> invocations for <paramref name="runId"/> in one SignalR JSON frame (records end with 0x1E).</summary>
    static IEnumerable<long> MetricSteps(string? frame, string runId)
    {
        foreach (var record in (frame ?? "").Split('\u001e', StringSplitOptions.RemoveEmptyEntries))
        {
            using var message = JsonDocument.Parse(record);
            var root = message.RootElement;
            if (root.TryGetProperty("target", out var target) && target.GetString() == "metrics"
                && root.GetProperty("arguments") is { } arguments && arguments[0].GetString() == runId)
                yield return arguments[1].GetInt64();
        }
    }

    /// <summary>Waits for <paramref name="condition"/> while the quickstart still runs; its end first is a failure.</summary>
    static async Task Eventually(Func<Task<bool>> condition, string what, Task run)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await condition())
        {
            if (run.IsCompleted) Assert.Fail($"the quickstart ended before the page saw {what}");
            if (DateTime.UtcNow > deadline) Assert.Fail($"no {what} within 60 s");
            await Task.Delay(100);
        }
    }

    static Task Eventually(Func<bool> condition, string what, Task run) => Eventually(() => Task.FromResult(condition()), what, run);

    [GeneratedRegex(@"^dashboard: (\S+)\s+\(admin token: (\S+)\)")]
    private static partial Regex DashboardLine();

    [GeneratedRegex(@"^ppo: live metrics on the dashboard at \S+ \(run (\S+)\)")]
    private static partial Regex PpoStartLine();

    [GeneratedRegex(@"^ppo: \d+ steps; policy in ")]
    private static partial Regex PpoEndLine();

    public void Dispose() => _quickstart.Dispose();
}
