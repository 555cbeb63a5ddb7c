using System.Net.Http.Json;
using System.Text.Json;
using Preference.Cli.Judging;
using Preference.Judges.Campaigns;
using Preference.Judges.Configuration;

namespace Preference.Cli.Pipeline.Stages;

/// <summary>
/// The campaign gets ranked through the annotation API, exactly as people rank it: by the rule judge registered as a
/// judge annotator, or (--human) by people in the browser while this stage waits for enough finished tasks.
/// </summary>
public sealed class RankStage : IPipelineStage
{
    public string Name => "rank";

    public object Inputs(PipelineContext c) => c.Human
        ? new { mode = "human", c.Settings.HumanTasksRequired }
        : new { mode = "judge", judge = StageLedger.FileHash(c.Settings.Judge) };

    public async Task<bool> RunAsync(PipelineContext c, bool resume, CancellationToken cancellationToken)
    {
        var directory = c.StageDirectory(Name);
        if (c.Human) await WaitForPeopleAsync(c, directory, cancellationToken);
        else await JudgeAsync(c, directory, cancellationToken);
        return true;
    }

    static async Task JudgeAsync(PipelineContext c, string directory, CancellationToken cancellationToken)
    {
        var config = await JudgeConfigs.LoadAsync(new FileInfo(c.Settings.Judge), cancellationToken);
        var judge = JudgeConfigLoader.CreateJudge(config);
        // The same token across re-runs lets an interrupted judge pick up the task it had reserved.
        var token = await TokenAsync(c, Path.Combine(directory, "judge-token"), new
        {
            name = $"{config.Name} (quickstart)", role = "annotator", kind = "judge",
            metadata = new Dictionary<string, string> { ["config"] = c.Settings.Judge },
        }, cancellationToken);
        using var http = c.Server.Client(token);
        var run = new CampaignJudgeRun(judge, new CampaignClient(http, PipelineContext.CampaignId));
        var result = await run.RunAsync(progress: new ProgressLine(c.Log), cancellationToken: cancellationToken);
        c.Log.WriteLine($"rank: judge '{config.Name}' ranked {result.Judged - result.Failed} tasks ({result.Failed} failed)");
    }

    static async Task WaitForPeopleAsync(PipelineContext c, string directory, CancellationToken cancellationToken)
    {
        var token = await TokenAsync(c, Path.Combine(directory, "annotator-token"),
            new { name = "quickstart annotator", role = "annotator", kind = "human" }, cancellationToken);
        c.Log.WriteLine($"rank: open {c.Server.Address} and sign in with the annotator token {token} to rank the stories");
        int shown = -1;
        while (true)
        {
            var (tasks, done) = await ProgressAsync(c, cancellationToken);
            int required = c.Settings.HumanTasksRequired == 0 ? tasks : Math.Min(c.Settings.HumanTasksRequired, tasks);
            if (done != shown) c.Log.WriteLine($"rank: {done}/{required} tasks ranked");
            shown = done;
            if (done >= required) return;
            await Task.Delay(TimeSpan.FromSeconds(c.Settings.HumanPollSeconds), cancellationToken);
        }
    }

    static async Task<(int Tasks, int Done)> ProgressAsync(PipelineContext c, CancellationToken cancellationToken)
    {
        var response = await c.Server.Admin.GetAsync($"api/campaigns/{PipelineContext.CampaignId}/progress", cancellationToken);
        await Api.EnsureAsync(response, "read the campaign's progress", cancellationToken);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return (body.RootElement.GetProperty("tasks").GetInt32(), body.RootElement.GetProperty("tasksDone").GetInt32());
    }

    static async Task<string> TokenAsync(PipelineContext c, string file, object annotator, CancellationToken cancellationToken)
    {
        if (File.Exists(file)) return (await File.ReadAllTextAsync(file, cancellationToken)).Trim();
        var response = await c.Server.Admin.PostAsJsonAsync("api/annotators", annotator, cancellationToken);
        await Api.EnsureAsync(response, "create the annotator", cancellationToken);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        var token = body.RootElement.GetProperty("token").GetString()!;
        await File.WriteAllTextAsync(file, token, cancellationToken);
        return token;
    }
}
