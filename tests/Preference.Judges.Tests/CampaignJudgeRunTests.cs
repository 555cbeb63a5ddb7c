using Preference.Judges.Campaigns;
using Preference.Judges.PositionBias;
using Preference.Judges.Rules;
using Preference.Judges.Running;
using Preference.Judges.Tests.Fakes;

namespace Preference.Judges.Tests;

/// <summary>A judge working through a real server's campaign queue over HTTP, like a human annotator would.</summary>
public class CampaignJudgeRunTests
{
    [Fact]
    public async Task A_rule_judge_ranks_every_task_of_a_campaign_once_and_is_stored_as_a_judge()
    {
        await using var server = await CampaignServer.StartAsync();
        await server.CreateCampaignAsync("c1", tasks: 6);
        using var http = server.Client(await server.CreateJudgeAsync("length-judge"));

        var result = await new CampaignJudgeRun(LengthJudge.Create("length-judge"), new CampaignClient(http, "c1")).RunAsync();

        Assert.Equal(6, result.Judged);
        var annotations = await server.AnnotationsAsync("c1");
        Assert.Equal(6, annotations.Count);
        Assert.Equal(6, annotations.Select(a => a.GetProperty("taskId").GetString()).Distinct().Count());
        Assert.All(annotations, a =>
        {
            Assert.Equal("judge", a.GetProperty("annotatorKind").GetString());
            Assert.Equal("length", a.GetProperty("metadata").GetProperty("rule").GetString());
        });
    }

    [Fact]
    public async Task A_stopped_run_resumes_and_no_task_is_submitted_twice()
    {
        await using var server = await CampaignServer.StartAsync();
        await server.CreateCampaignAsync("c2", tasks: 10);
        await using var llm = await new FakeChatServer().StartAsync();
        var token = await server.CreateJudgeAsync("llm-judge");

        using (var http = server.Client(token))
        {
            using var kill = new CancellationTokenSource();
            var run = new CampaignJudgeRun(TestJudges.Chat(llm, name: "llm-judge"), new CampaignClient(http, "c2"));
            var progress = new SyncProgress(p => { if (p.Judged == 4) kill.Cancel(); });
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.RunAsync(progress: progress, cancellationToken: kill.Token));
        }
        Assert.Equal(4, (await server.AnnotationsAsync("c2")).Count);

        using (var http = server.Client(token))
            await new CampaignJudgeRun(TestJudges.Chat(llm, name: "llm-judge"), new CampaignClient(http, "c2")).RunAsync();

        var annotations = await server.AnnotationsAsync("c2");
        Assert.Equal(10, annotations.Count);
        Assert.Equal(10, annotations.Select(a => a.GetProperty("taskId").GetString()).Distinct().Count());
        Assert.All(annotations, a =>
        {
            // The server shuffles; the letter the model chose must map back to the response shown at that position.
            int chosen = a.GetProperty("rationale").GetString()!.EndsWith("[[A]]") ? 0 : 1;
            Assert.Equal(a.GetProperty("shownOrder")[chosen].GetString(), a.GetProperty("ranking")[0][0].GetString());
        });
        Assert.Equal(10, llm.Requests.Count); // the 4 tasks done before the stop were not sent to the model again
    }

    [Fact]
    public async Task A_task_the_judge_cannot_rank_is_skipped_and_its_failure_logged_not_guessed()
    {
        await using var server = await CampaignServer.StartAsync();
        await server.CreateCampaignAsync("c3", tasks: 3);
        await using var llm = await new FakeChatServer { AlwaysStatus = 401 }.StartAsync();
        using var http = server.Client(await server.CreateJudgeAsync("broken"));
        var log = new JsonlVerdictLog(Path.Combine(Directory.CreateTempSubdirectory("pref-c3-").FullName, "failures.jsonl"));

        var result = await new CampaignJudgeRun(TestJudges.Chat(llm, name: "broken"), new CampaignClient(http, "c3"), log).RunAsync();

        Assert.Equal(3, result.Failed);
        Assert.Empty(await server.AnnotationsAsync("c3"));
        Assert.All(await log.ReadAllAsync(), r => Assert.Contains("HTTP 401", r.Failure));
    }

    [Fact]
    public async Task Position_bias_control_records_the_flip_with_the_annotation()
    {
        await using var server = await CampaignServer.StartAsync();
        await server.CreateCampaignAsync("c4", tasks: 2);
        await using var llm = await new FakeChatServer { AlwaysFirst = true }.StartAsync();
        using var http = server.Client(await server.CreateJudgeAsync("biased"));

        await new CampaignJudgeRun(new PositionBalancedJudge(TestJudges.Chat(llm, name: "biased")), new CampaignClient(http, "c4")).RunAsync();

        var annotations = await server.AnnotationsAsync("c4");
        Assert.Equal(2, annotations.Count);
        Assert.All(annotations, a =>
        {
            Assert.Equal("true", a.GetProperty("metadata").GetProperty("order_flipped").GetString());
            Assert.Equal(1, a.GetProperty("ranking").GetArrayLength());
        });
    }

    private sealed class SyncProgress(Action<JudgeProgress> report) : IProgress<JudgeProgress>
    {
        public void Report(JudgeProgress value) => report(value);
    }
}
