using Preference.Core.Judging;
using Preference.Judges.PositionBias;
using Preference.Judges.Running;
using Preference.Judges.Tests.Fakes;

namespace Preference.Judges.Tests;

/// <summary>A judge run over many tasks through a misbehaving endpoint, recorded in a real verdict file.</summary>
public sealed class JudgeRunnerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pref-judge-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly string[] FaultMix = ["", "429", "500", "malformed", "truncated", "odd", "json", "garbage", "garbage-always", "503,500"];

    private static List<JudgeTask> MixedTasks(int count) =>
        Enumerable.Range(0, count).Select(i => FaultMix[i % FaultMix.Length] is { Length: > 0 } faults
            ? Tasks.Pair($"q{i:000} faults={faults}", firstIsGood: i % 2 == 0)
            : Tasks.Pair($"q{i:000}", firstIsGood: i % 2 == 0)).ToList();

    [Fact]
    public async Task Every_task_ends_with_exactly_one_verdict_or_an_explicit_failure()
    {
        await using var server = await new FakeChatServer { RetryAfterSeconds = 0 }.StartAsync();
        var log = new JsonlVerdictLog(Path.Combine(_dir, "verdicts.jsonl"));
        var tasks = MixedTasks(30);

        var result = await new JudgeRunner(TestJudges.Chat(server), log).RunAsync(tasks, parallelism: 4);

        var records = await log.ReadAllAsync();
        Assert.Equal(tasks.Select(t => t.TaskId).Order(), records.Select(r => r.TaskId).Order());
        Assert.All(records, r => Assert.True(r.Ranking is null != (r.Failure is null)));
        var failed = records.Where(r => r.Failure is not null).Select(r => r.TaskId).ToList();
        Assert.Equal(tasks.Where(t => t.Prompt.Contains("garbage-always")).Select(t => t.TaskId).Order(), failed.Order());
        Assert.Equal(failed.Count, result.Failed);
        foreach (var record in records.Where(r => r.Ranking is not null))
        {
            var good = tasks.Single(t => t.TaskId == record.TaskId).Responses.Single(r => r.Text.Contains("GOOD")).Id;
            Assert.Equal([good], record.Ranking!.Tiers[0]);
        }
    }

    [Fact]
    public async Task A_run_killed_halfway_resumes_without_judging_anything_twice()
    {
        await using var server = await new FakeChatServer().StartAsync();
        var path = Path.Combine(_dir, "verdicts.jsonl");
        var tasks = Enumerable.Range(0, 20).Select(i => Tasks.Pair($"task{i:00}")).ToList();

        using var kill = new CancellationTokenSource();
        var progress = new SyncProgress(p => { if (p.Judged >= 8) kill.Cancel(); });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            new JudgeRunner(TestJudges.Chat(server), new JsonlVerdictLog(path)).RunAsync(tasks, 2, progress, kill.Token));
        File.AppendAllText(path, "{\"taskId\":\"task19\",\"annot"); // the torn line a hard kill can leave behind
        var doneBeforeKill = (await new JsonlVerdictLog(path).ReadAllAsync()).Select(r => r.TaskId).ToHashSet();
        Assert.InRange(doneBeforeKill.Count, 8, 19);

        var resumed = await new JudgeRunner(TestJudges.Chat(server), new JsonlVerdictLog(path)).RunAsync(tasks, 2);

        var records = await new JsonlVerdictLog(path).ReadAllAsync();
        Assert.Equal(20, records.Count);
        Assert.Equal(20, records.Select(r => r.TaskId).Distinct().Count());
        Assert.Equal(doneBeforeKill.Count, resumed.Skipped);
        Assert.All(doneBeforeKill, id => Assert.Equal(1, server.RequestsFor(id)));
    }

    [Fact]
    public async Task A_second_run_with_the_same_judge_calls_the_model_for_nothing()
    {
        await using var server = await new FakeChatServer().StartAsync();
        var log = new JsonlVerdictLog(Path.Combine(_dir, "verdicts.jsonl"));
        var tasks = Enumerable.Range(0, 5).Select(i => Tasks.Pair($"t{i}")).ToList();
        await new JudgeRunner(TestJudges.Chat(server), log).RunAsync(tasks);
        int calls = server.Requests.Count;

        var again = await new JudgeRunner(TestJudges.Chat(server), log).RunAsync(tasks);

        Assert.Equal(5, again.Skipped);
        Assert.Equal(calls, server.Requests.Count);
    }

    [Fact]
    public async Task A_differently_named_judge_judges_the_same_tasks_again()
    {
        await using var server = await new FakeChatServer().StartAsync();
        var log = new JsonlVerdictLog(Path.Combine(_dir, "verdicts.jsonl"));
        var tasks = new[] { Tasks.Pair("t0") };
        await new JudgeRunner(TestJudges.Chat(server, name: "judge-a"), log).RunAsync(tasks);

        var other = await new JudgeRunner(TestJudges.Chat(server, name: "judge-b"), log).RunAsync(tasks);

        Assert.Equal(1, other.Judged);
        Assert.Equal(2, (await log.ReadAllAsync()).Count);
    }

    [Fact]
    public async Task A_position_biased_model_is_caught_flipping_and_recorded_as_ties()
    {
        await using var server = await new FakeChatServer { AlwaysFirst = true }.StartAsync();
        var log = new JsonlVerdictLog(Path.Combine(_dir, "verdicts.jsonl"));
        var judge = new PositionBalancedJudge(TestJudges.Chat(server));

        var result = await new JudgeRunner(judge, log).RunAsync([Tasks.Pair("t0"), Tasks.Pair("t1")]);

        Assert.Equal(2, result.Flipped);
        var records = await log.ReadAllAsync();
        Assert.All(records, r => Assert.Single(r.Ranking!.Tiers));
        Assert.All(records, r => Assert.Equal("both-orders/tie", r.Metadata!["position_bias"]));
        Assert.Equal(4, server.Requests.Count);
    }

    [Fact]
    public async Task The_verdict_log_records_the_judge_like_an_annotator()
    {
        await using var server = await new FakeChatServer().StartAsync();
        var log = new JsonlVerdictLog(Path.Combine(_dir, "verdicts.jsonl"));
        await new JudgeRunner(TestJudges.Chat(server, name: "gpt-judge"), log).RunAsync([Tasks.Pair("t0")]);

        var record = Assert.Single(await log.ReadAllAsync());
        Assert.Equal("gpt-judge", record.AnnotatorId);
        Assert.Equal("fake-judge", record.Metadata!["model"]);
        Assert.Equal("0", record.Metadata["temperature"]);
        Assert.Equal("pairwise-v1", record.Metadata["prompt_template"]);
        Assert.Equal(["t0/x", "t0/y"], record.ShownOrder);
    }

    /// <summary>IProgress that reports on the calling thread, so the kill happens at a known point.</summary>
    private sealed class SyncProgress(Action<JudgeProgress> report) : IProgress<JudgeProgress>
    {
        public void Report(JudgeProgress value) => report(value);
    }
}
