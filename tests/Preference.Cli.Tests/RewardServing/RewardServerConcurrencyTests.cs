using System.Net;
using System.Text.Json;
using Preference.Cli.RewardServing;
using Preference.Core.Rewards;
using Preference.Training.Reward.Modeling;
using Preference.Training.Reward.Training;
using Preference.Training.Rewards;
using TorchSharp;

namespace Preference.Cli.Tests.RewardServing;

/// <summary>
/// Many clients at once: their completions share reward-model forwards, yet each gets exactly its own rewards, in
/// its own order; past the queue bound a client is told to retry instead of waiting without end.
/// </summary>
public sealed class RewardServerConcurrencyTests : IDisposable
{
    readonly string _directory = Directory.CreateTempSubdirectory("reward-server-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>A reward model on the bundled stories260K trunk (untrained head: distinct texts get distinct scores).</summary>
    RewardModel BundledRewardModel() => RewardModelFactory.Create(new RewardConfig
    {
        TrainFile = "synthetic", BaseModel = RewardModelFactory.Bundled, MaxLength = 64,
    }, [], _directory, torch.CPU);

    /// <summary>The number after '#' in a completion: which request and item it was, so a swapped answer shows exactly.</summary>
    static readonly DelegateReward Id = new("id", input => int.Parse(input.Completion[(input.Completion.LastIndexOf('#') + 1)..]));

    static readonly string[] Words = ["the", "dog", "ran", "to", "a", "big", "tree", "and", "was", "happy", "sun", "ball"];

    [Fact]
    public async Task Thirty_two_concurrent_clients_each_get_exactly_their_own_rewards_while_sharing_batches()
    {
        torch.set_num_threads(1);
        using var model = BundledRewardModel();
        var reward = new WeightedReward("reward", [new WeightedSource(new RewardModelSource("rm", model, 64), 1), new WeightedSource(Id, 1)]);
        var random = new Random(7);
        // 32 clients x 6 requests of 1 to 4 completions of different lengths, every completion distinct.
        var requests = Enumerable.Range(0, 32).Select(client => Enumerable.Range(0, 6).Select(r =>
            Enumerable.Range(0, random.Next(1, 5)).Select(i =>
            {
                int id = client * 1000 + r * 10 + i;
                var story = string.Join(" ", Enumerable.Range(0, random.Next(2, 20)).Select(_ => Words[random.Next(Words.Length)]));
                return new RewardInput($"Once upon a time {client}.", $" {story} #{id}");
            }).ToList()).ToList()).ToList();
        // The reference: each completion alone through the torch forward. The server scores on the fused CPU path, in
        // shared batches; each answer must still be that completion's own torch reward.
        model.UseFusedCpuPath = false;
        var alone = requests.SelectMany(c => c).SelectMany(r => r)
            .ToDictionary(i => i.Completion, i => model.Score([(i.Prompt, i.Completion, (string?)null)])[0]);
        model.UseFusedCpuPath = true;

        var config = new RewardServerConfig { Rewards = [new RewardSpec { Kind = "keyword", Keyword = "x" }], MaxBatchSize = 64, MaxBatchDelayMs = 5 };
        await using var server = await RunningRewardServer.StartAsync(reward, config);
        int requestCount = requests.Sum(c => c.Count);

        await Task.WhenAll(requests.Select(async (clientRequests, client) =>
        {
            foreach (var batch in clientRequests)
            {
                bool openRlhf = client % 2 == 0;
                var response = openRlhf
                    ? await server.PostJsonAsync("/get_reward", new { query = batch.Select(b => b.Prompt + b.Completion).ToArray(), prompts = batch.Select(b => b.Prompt).ToArray() })
                    : await server.PostJsonAsync("/v1/rewards", new { prompts = batch.Select(b => b.Prompt).ToArray(), completions = batch.Select(b => b.Completion).ToArray() });
                var text = await response.Content.ReadAsStringAsync();
                Assert.True(response.StatusCode == HttpStatusCode.OK, text);
                var body = JsonDocument.Parse(text).RootElement;
                var parts = body.GetProperty(openRlhf ? "extra_logs" : "parts");
                var ids = parts.GetProperty("id").EnumerateArray().Select(e => e.GetSingle()).ToArray();
                var scores = parts.GetProperty("rm").EnumerateArray().Select(e => e.GetSingle()).ToArray();
                var rewards = body.GetProperty("rewards").EnumerateArray().Select(e => e.GetSingle()).ToArray();
                Assert.Equal(batch.Select(b => (float)int.Parse(b.Completion[(b.Completion.LastIndexOf('#') + 1)..])), ids);
                for (int i = 0; i < batch.Count; i++)
                {
                    Assert.Equal(alone[batch[i].Completion], scores[i], 3e-4f);
                    Assert.Equal(scores[i] + ids[i], rewards[i], 1e-2f);
                }
            }
        }));

        var health = JsonDocument.Parse(await server.Client.GetStringAsync("/health")).RootElement;
        long batches = health.GetProperty("batches").GetInt64();
        Assert.Equal(requests.Sum(c => c.Sum(r => r.Count)), health.GetProperty("scored").GetInt64());
        Assert.True(batches < requestCount / 2, $"{batches} model calls for {requestCount} requests: concurrent requests were not batched");
    }

    /// <summary>A source that holds its batch until the test lets it go, to fill the queue on purpose.</summary>
    sealed class GatedReward : IRewardSource
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public string Name => "gated";

        public async Task<float[]> ScoreAsync(IReadOnlyList<RewardInput> batch, CancellationToken cancellationToken = default)
        {
            Entered.TrySetResult();
            await Release.Task.WaitAsync(cancellationToken);
            return batch.Select(b => (float)b.Completion.Length).ToArray();
        }
    }

    [Fact]
    public async Task Beyond_the_queue_bound_a_request_gets_429_with_retry_after_and_is_served_once_the_queue_drains()
    {
        var gated = new GatedReward();
        var config = new RewardServerConfig { Rewards = [new RewardSpec { Kind = "keyword", Keyword = "x" }], MaxItemsPerRequest = 4, MaxQueuedItems = 4 };
        await using var server = await RunningRewardServer.StartAsync(new WeightedReward("reward", [new WeightedSource(gated, 1)]), config);

        var first = server.PostJsonAsync("/v1/rewards", new { prompts = new[] { "p", "p", "p", "p" }, completions = new[] { "a", "bb", "ccc", "dddd" } });
        await gated.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var refused = await server.PostJsonAsync("/get_reward", new { query = new[] { "x" } });
        gated.Release.SetResult();
        var served = await first;
        var retried = await server.PostJsonAsync("/get_reward", new { query = new[] { "xyz" } });

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.Delta);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal("[1,2,3,4]", JsonDocument.Parse(await served.Content.ReadAsStringAsync()).RootElement.GetProperty("rewards").GetRawText());
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
    }

    [Fact]
    public async Task A_failing_source_answers_500_naming_it_and_the_server_keeps_serving()
    {
        var failing = new DelegateReward("picky", input => input.Completion == "boom" ? double.NaN : 1);
        await using var server = await RunningRewardServer.StartAsync(new WeightedReward("reward", [new WeightedSource(failing, 1)]));

        var failed = await server.PostJsonAsync("/v1/rewards", new { prompts = new[] { "p" }, completions = new[] { "boom" } });
        var fine = await server.PostJsonAsync("/v1/rewards", new { prompts = new[] { "p" }, completions = new[] { "ok" } });

        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        Assert.Contains("picky", await failed.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, fine.StatusCode);
    }
}
