using System.Net.Http.Json;
using System.Text.Json;
using Preference.Cli.Tests.Reward;
using Preference.Core.Api;
using Preference.Core.Domain;
using Preference.Core.Prioritization;
using Preference.Training.Reward.Data;
using Preference.Training.Reward.Export;
using TorchSharp;

namespace Preference.Cli.Tests.Serving;

/// <summary>`pref campaign score` against a real server on loopback: a real (tiny) reward model's scores arrive as uploaded.</summary>
public sealed class CampaignScoreCommandTests : IAsyncLifetime
{
    private LoopbackServer _server = null!;
    private HttpClient _admin = null!;

    public async Task InitializeAsync()
    {
        _server = await LoopbackServer.StartAsync("pref_cli_score_test_admin");
        _admin = _server.Admin();
        (await _admin.PostAsJsonAsync("/api/campaigns", new { id = "c", name = "c", responsesPerTask = 3, queueOrder = "uncertainty" })).EnsureSuccessStatusCode();
        var items = Enumerable.Range(0, 7).Select(i => JsonSerializer.Serialize(new
        {
            prompt = $"Tell me about the river {i}.",
            completions = new[] { $"The river {i} runs past the castle.", "No.", $"A long answer about bridges and towers number {i}." },
        }));
        await using var file = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(string.Join("\n", items)));
        await new PreferenceApiClient(_admin).ImportAsync("c", file, Core.Datasets.DatasetFormat.PromptCompletions, "test");
    }

    private string RewardModel() => TinyRewardModel.Save(_server.Directory,
        Enumerable.Range(0, 24).Select(i => new RewardPair($"q{i}", $"Tell me about item {i}.", $"The castle {i} stands by the river.", "No idea.")).ToList());

    private Task<PrefProcess.Result> PrefAsync(params string[] args) => _server.PrefAsync([.. args, "--threads", "1"]);

    [Fact]
    public async Task Scores_every_task_in_pages_uploads_what_the_model_says_and_the_queue_serves_the_closest_call_first()
    {
        var modelPath = RewardModel();

        var result = await PrefAsync("campaign", "score", "--campaign", "c", "--reward-model", modelPath, "--page-size", "3");

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("uploaded scores of 7 tasks to campaign c", result.Stdout);
        var contents = await new PreferenceApiClient(_admin).TaskContentsAsync("c", 0, 100);
        var uploaded = (await _admin.GetFromJsonAsync<List<TaskScoresItem>>("/api/campaigns/c/task-scores", PreferenceJson.Options))!
            .ToDictionary(s => s.TaskId, s => s.CompletionScores);
        Assert.Equal(7, uploaded.Count);
        using var model = RewardModelDirectory.Load(modelPath, torch.CPU);
        foreach (var task in contents)
        {
            var expected = model.Score(task.Completions.Select(c => (task.Prompt.Text!, c.Text!)).ToList());
            Assert.Equal(expected.Select(e => (double)e), task.Completions.Select(c => uploaded[task.TaskId][c.Id]), new ToleranceComparer(1e-5));
        }
        var closest = uploaded.MinBy(s => LabelPriority.SmallestMargin(s.Value.Values)).Key;
        var offer = await new PreferenceApiClient(_admin).NextTaskAsync("c");
        Assert.Equal(closest, offer!.Task.TaskId);
    }

    [Fact]
    public async Task A_missing_campaign_or_model_exits_1_with_one_line_and_uploads_nothing()
    {
        var modelPath = RewardModel();
        var missingCampaign = await PrefAsync("campaign", "score", "--campaign", "nope", "--reward-model", modelPath);
        Assert.Equal(1, missingCampaign.ExitCode);
        Assert.Contains("404", Assert.Single(missingCampaign.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)));

        var missingModel = await PrefAsync("campaign", "score", "--campaign", "c", "--reward-model", Path.Combine(_server.Directory, "absent"));
        Assert.Equal(1, missingModel.ExitCode);
        Assert.Contains("no such directory", Assert.Single(missingModel.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        Assert.Empty((await _admin.GetFromJsonAsync<JsonElement[]>("/api/campaigns/c/task-scores"))!);
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;
        public int GetHashCode(double obj) => 0;
    }

    public async Task DisposeAsync()
    {
        _admin.Dispose();
        await _server.DisposeAsync();
    }
}
