using System.Diagnostics;
using Preference.Core.Judging;
using Preference.Judges.Tests.Fakes;

namespace Preference.Judges.Tests;

/// <summary>The OpenAI-compatible judge against a real HTTP endpoint on loopback that misbehaves on purpose.</summary>
public class ChatJudgeFaultTests
{
    private static string Winner(JudgeVerdict v) => string.Join(" > ", v.Ranking!.Tiers.Select(t => string.Join(" = ", t)));

    [Fact]
    public async Task A_clean_reply_gives_the_ranking_with_the_rationale_and_one_attempt()
    {
        await using var server = await new FakeChatServer().StartAsync();
        var verdict = await TestJudges.Chat(server).JudgeAsync(Tasks.Pair("q1"));

        Assert.Equal("q1/y > q1/x", Winner(verdict));
        Assert.Contains("answers the question better", verdict.Rationale);
        Assert.Equal(1, verdict.Attempts);
    }

    [Fact]
    public async Task A_429_is_retried_after_the_servers_Retry_After_not_the_short_backoff()
    {
        await using var server = await new FakeChatServer { RetryAfterSeconds = 1 }.StartAsync();
        var verdict = await TestJudges.Chat(server).JudgeAsync(Tasks.Pair("q faults=429"));

        Assert.True(verdict.Succeeded, verdict.Failure);
        var times = server.Requests.Select(r => r.At).ToList();
        Assert.Equal(2, times.Count);
        Assert.True(times[1] - times[0] >= TimeSpan.FromMilliseconds(900), $"retried after {(times[1] - times[0]).TotalMilliseconds} ms");
    }

    [Theory]
    [InlineData("500,503")]
    [InlineData("slow")]
    [InlineData("malformed")]
    [InlineData("truncated")]
    [InlineData("garbage,odd")]
    [InlineData("json")]
    public async Task Transient_faults_and_odd_formats_still_end_in_the_right_verdict(string faults)
    {
        await using var server = await new FakeChatServer { SlowDelay = TimeSpan.FromSeconds(3) }.StartAsync();
        var settings = TestJudges.Fast with { Timeout = TimeSpan.FromSeconds(1) };
        var verdict = await TestJudges.Chat(server, settings).JudgeAsync(Tasks.Pair($"q faults={faults}"));

        Assert.True(verdict.Succeeded, verdict.Failure);
        Assert.StartsWith($"q faults={faults}/y >", Winner(verdict));
    }

    [Fact]
    public async Task A_reply_that_never_holds_a_verdict_is_recorded_as_unparseable_after_all_retries()
    {
        await using var server = await new FakeChatServer().StartAsync();
        var verdict = await TestJudges.Chat(server).JudgeAsync(Tasks.Pair("q faults=garbage-always"));

        Assert.False(verdict.Succeeded);
        Assert.Contains("unparseable", verdict.Failure);
        Assert.Equal(TestJudges.Fast.MaxRetries + 1, verdict.Attempts);
        Assert.Equal(TestJudges.Fast.MaxRetries + 1, server.Requests.Count);
    }

    [Fact]
    public async Task A_slow_reply_is_abandoned_at_the_per_call_timeout()
    {
        await using var server = await new FakeChatServer { SlowDelay = TimeSpan.FromSeconds(30) }.StartAsync();
        var settings = TestJudges.Fast with { MaxRetries = 1, Timeout = TimeSpan.FromMilliseconds(500) };
        var clock = Stopwatch.StartNew();

        var verdict = await TestJudges.Chat(server, settings).JudgeAsync(Tasks.Pair("q faults=slow,slow"));

        Assert.False(verdict.Succeeded);
        Assert.Contains("no reply within 0.5 s", verdict.Failure);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task An_authentication_error_is_not_retried()
    {
        await using var server = await new FakeChatServer().StartAsync();
        var verdict = await TestJudges.Chat(server).JudgeAsync(Tasks.Pair("q faults=401"));

        Assert.False(verdict.Succeeded);
        Assert.Contains("HTTP 401", verdict.Failure);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task The_concurrency_limit_caps_calls_in_flight()
    {
        await using var server = await new FakeChatServer { SlowDelay = TimeSpan.FromMilliseconds(200) }.StartAsync();
        var judge = TestJudges.Chat(server, TestJudges.Fast with { MaxConcurrency = 2, Timeout = TimeSpan.FromSeconds(5) });

        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => judge.JudgeAsync(Tasks.Pair($"q{i} faults=slow"))));

        Assert.Equal(8, server.Requests.Count);
        Assert.Equal(2, server.MaxInFlight);
    }

    [Fact]
    public async Task The_request_rate_limit_spreads_calls_over_the_window()
    {
        await using var server = await new FakeChatServer().StartAsync();
        var judge = TestJudges.Chat(server, TestJudges.Fast with { RequestsPerMinute = 3, RateWindow = TimeSpan.FromSeconds(1) });
        var clock = Stopwatch.StartNew();

        var verdicts = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => judge.JudgeAsync(Tasks.Pair($"q{i}"))));

        Assert.All(verdicts, v => Assert.True(v.Succeeded, v.Failure));
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(800), $"6 calls at 3 per second took {clock.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task An_endpoint_that_keeps_failing_opens_the_circuit_and_later_calls_fail_fast()
    {
        await using var server = await new FakeChatServer { AlwaysStatus = 500 }.StartAsync();
        var judge = TestJudges.Chat(server, TestJudges.Fast with
        {
            MaxRetries = 3, CircuitMinimumThroughput = 2, CircuitFailureRatio = 0.5, CircuitBreakDuration = TimeSpan.FromSeconds(30),
            MaxDelay = TimeSpan.FromMilliseconds(50),
        });

        var first = await judge.JudgeAsync(Tasks.Pair("q1"));
        var second = await judge.JudgeAsync(Tasks.Pair("q2"));

        Assert.False(first.Succeeded);
        Assert.Contains("circuit open", second.Failure);
        Assert.Equal(0, server.RequestsFor("q2"));
    }
}
