using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Preference.Core.Api;
using Preference.Server;
using Preference.Training.Reward.Data;
using Preference.Training.Reward.Export;
using Preference.Training.Reward.Modeling;
using Preference.Training.Reward.Training;
using TorchSharp;

namespace Preference.Cli.Tests.Serving;

/// <summary>`pref campaign score` against a real server on loopback: a real (tiny) reward model's scores arrive as uploaded.</summary>
public sealed class CampaignScoreCommandTests : IAsyncLifetime
{
    private const string AdminToken = "pref_cli_score_test_admin";
    private readonly string _data = Directory.CreateTempSubdirectory("pref-cli-score-").FullName;
    private WebApplication _app = null!;
    private HttpClient _admin = null!;
    private string _url = "";

    public async Task InitializeAsync()
    {
        _app = PreferenceServer.Build(new ServerOptions
        {
            DataDirectory = Path.Combine(_data, "store"), Urls = "http://127.0.0.1:0", AdminToken = AdminToken, Announcements = TextWriter.Null,
        });
        await _app.StartAsync();
        await PreferenceServer.BootstrapAdminAsync(_app);
        _url = _app.Urls.First();
        _admin = PreferenceApiClient.CreateHttp(new Uri(_url), AdminToken, TimeSpan.FromSeconds(30));
        (await _admin.PostAsJsonAsync("/api/campaigns", new { id = "c", name = "c", responsesPerTask = 3, queueOrder = "uncertainty" })).EnsureSuccessStatusCode();
        var items = Enumerable.Range(0, 7).Select(i => JsonSerializer.Serialize(new
        {
            prompt = $"Tell me about the river {i}.",
            completions = new[] { $"The river {i} runs past the castle.", "No.", $"A long answer about bridges and towers number {i}." },
        }));
        await using var file = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(string.Join("\n", items)));
        await new PreferenceApiClient(_admin).ImportAsync("c", file, Core.Datasets.DatasetFormat.PromptCompletions, "test");
    }

    private string TinyRewardModel()
    {
        var pairs = Enumerable.Range(0, 24).Select(i => new RewardPair($"q{i}", $"Tell me about item {i}.", $"The castle {i} stands by the river.", "No idea.")).ToList();
        var config = new RewardConfig
        {
            TrainFile = "synthetic", BaseModel = "scratch", MaxLength = 48, OutputDirectory = _data,
            Scratch = new ScratchModel { VocabSize = 300, HiddenSize = 16, Layers = 1, Heads = 2, IntermediateSize = 32 },
        };
        using var model = RewardModelFactory.Create(config, pairs, Path.Combine(_data, "tokenizer"), torch.CPU);
        var path = Path.Combine(_data, "model");
        RewardModelDirectory.Save(model, path, "scratch");
        return path;
    }

    private Task<PrefProcess.Result> PrefAsync(params string[] args) => PrefProcess.RunAsync([.. args, "--server", _url, "--token", AdminToken, "--threads", "1"]);

    [Fact]
    public async Task Scores_every_task_in_pages_uploads_what_the_model_says_and_the_queue_serves_the_closest_call_first()
    {
        var modelPath = TinyRewardModel();

        var result = await PrefAsync("campaign", "score", "--campaign", "c", "--reward-model", modelPath, "--page-size", "3");

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("uploaded scores of 7 tasks to campaign c", result.Stdout);
        var contents = await new PreferenceApiClient(_admin).TaskContentsAsync("c", 0, 100);
        var uploaded = (await _admin.GetFromJsonAsync<List<TaskScoresItem>>("/api/campaigns/c/task-scores", Core.Domain.PreferenceJson.Options))!
            .ToDictionary(s => s.TaskId, s => s.CompletionScores);
        Assert.Equal(7, uploaded.Count);
        using var model = RewardModelDirectory.Load(modelPath, torch.CPU);
        foreach (var task in contents)
        {
            var expected = model.Score(task.Completions.Select(c => (task.Prompt.Text!, c.Text!)).ToList());
            Assert.Equal(expected.Select(e => (double)e), task.Completions.Select(c => uploaded[task.TaskId][c.Id]), new ToleranceComparer(1e-5));
        }
        var closest = uploaded.MinBy(s => Core.Prioritization.LabelPriority.SmallestMargin(s.Value.Values)).Key;
        using var annotator = PreferenceApiClient.CreateHttp(new Uri(_url), AdminToken, TimeSpan.FromSeconds(30));
        var offer = await new PreferenceApiClient(annotator).NextTaskAsync("c");
        Assert.Equal(closest, offer!.Task.TaskId);
    }

    [Fact]
    public async Task A_missing_campaign_or_model_exits_1_with_one_line_and_uploads_nothing()
    {
        var modelPath = TinyRewardModel();
        var missingCampaign = await PrefAsync("campaign", "score", "--campaign", "nope", "--reward-model", modelPath);
        Assert.Equal(1, missingCampaign.ExitCode);
        Assert.Contains("404", Assert.Single(missingCampaign.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)));

        var missingModel = await PrefAsync("campaign", "score", "--campaign", "c", "--reward-model", Path.Combine(_data, "absent"));
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
        await _app.StopAsync();
        await _app.DisposeAsync();
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { }
    }
}
