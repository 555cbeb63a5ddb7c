using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Preference.Core.Rewards;
using Preference.Training.Ppo;
using Preference.Training.Rewards;

namespace Preference.Training.Tests.Rewards;

/// <summary>Rewards for group methods: a pairwise judge ranking each group round robin, and a remote HTTP reward.</summary>
public sealed class GroupRewardTests
{
    [Fact]
    public async Task Round_robin_judge_scores_wins_minus_losses_within_each_prompt_group()
    {
        var judge = new LongerWins();
        var batch = new[]
        {
            new RewardInput("A", "xxx"), new RewardInput("A", "x"), new RewardInput("A", "xx"), new RewardInput("A", "xx"),
            new RewardInput("B", "y"), new RewardInput("B", "yyyy"),
            new RewardInput("C", "alone"),
        };

        var rewards = await new GroupJudgeReward(judge).ScoreAsync(batch);

        // Group A: "xxx" beats all 3 → 1; "x" loses all 3 → −1; each "xx" beats "x", loses to "xxx", ties the other → 0.
        // Group B: 1 comparison. C: nothing to compare with. 6 + 1 comparisons, never across prompts.
        Assert.Equal([1f, -1f, 0f, 0f, -1f, 1f, 0f], rewards);
        Assert.Equal(7, judge.Tasks);
    }

    [Fact]
    public async Task Http_reward_posts_prompts_completions_and_labels_and_reads_rewards_in_order()
    {
        using var listener = StartListener(out var url);
        var server = Task.Run(async () =>
        {
            var context = await listener.GetContextAsync();
            using var body = await JsonDocument.ParseAsync(context.Request.InputStream);
            var completions = body.RootElement.GetProperty("completions").EnumerateArray().Select(c => c.GetString()!).ToList();
            var labels = body.RootElement.GetProperty("labels").EnumerateArray().Select(l => l.ValueKind == JsonValueKind.Null ? null : l.GetString()).ToList();
            Assert.Equal(["Tom", "Sue"], body.RootElement.GetProperty("prompts").EnumerateArray().Select(p => p.GetString()));
            // Reward: 1 when the completion contains its label, else the completion's length / 10.
            var rewards = completions.Select((c, i) => labels[i] is { } label && c.Contains(label) ? 1.0 : c.Length / 10.0);
            await Respond(context, 200, JsonSerializer.Serialize(new { rewards }));
        });

        var reward = new HttpReward("remote", url, new HttpClient());
        var scores = await reward.ScoreAsync([new RewardInput("Tom", "had a dog", Reference: "dog"), new RewardInput("Sue", "sang")]);
        await server;

        Assert.Equal([1f, 0.4f], scores);
    }

    [Fact]
    public async Task Extra_fields_of_a_jsonl_prompts_file_reach_an_http_reward_beside_each_prompt()
    {
        var path = Path.Combine(Path.GetTempPath(), $"prompts-{Guid.NewGuid():N}.jsonl");
        File.WriteAllLines(path, [
            """{"prompt": "2+2=", "reference": "4", "task_id": 7, "tests": ["assert f() == 4"]}""",
            """{"prompt": "Tom had"}""",
        ]);
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, JsonElement>> fields;
        try
        {
            fields = PromptFile.ReadFields(path);
        }
        finally
        {
            File.Delete(path);
        }
        Assert.Equal(["task_id", "tests"], fields["2+2="].Keys.Order());
        Assert.False(fields.ContainsKey("Tom had"));

        using var listener = StartListener(out var url);
        string? received = null;
        var server = Task.Run(async () =>
        {
            var context = await listener.GetContextAsync();
            using var body = await JsonDocument.ParseAsync(context.Request.InputStream);
            received = body.RootElement.GetProperty("fields").GetRawText();
            await Respond(context, 200, """{"rewards": [1, 0]}""");
        });
        await new HttpReward("remote", url, new HttpClient()).ScoreAsync([
            new RewardInput("2+2=", "4", Reference: "4", Fields: fields["2+2="]),
            new RewardInput("Tom had", "a dog", Fields: fields.GetValueOrDefault("Tom had")),
        ]);
        await server;

        using var sent = JsonDocument.Parse(received!);
        Assert.Equal(7, sent.RootElement[0].GetProperty("task_id").GetInt32());
        Assert.Equal("assert f() == 4", sent.RootElement[0].GetProperty("tests")[0].GetString());
        Assert.Equal(JsonValueKind.Null, sent.RootElement[1].ValueKind);
    }

    [Fact]
    public async Task Http_reward_names_the_address_when_the_answer_is_wrong()
    {
        using var listener = StartListener(out var url);
        var server = Task.Run(async () => await Respond(await listener.GetContextAsync(), 200, """{"rewards": [1.0]}"""));

        var reward = new HttpReward("remote", url, new HttpClient());
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            reward.ScoreAsync([new RewardInput("Tom", "a"), new RewardInput("Sue", "b")]));
        await server;

        Assert.Contains(url.ToString(), error.Message);
        Assert.Contains("1 rewards for 2 completions", error.Message);
    }

    static HttpListener StartListener(out Uri url)
    {
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            url = new Uri($"http://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}/reward/");
            probe.Stop();
        }
        var listener = new HttpListener();
        listener.Prefixes.Add(url.ToString());
        listener.Start();
        return listener;
    }

    static async Task Respond(HttpListenerContext context, int status, string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.OutputStream.WriteAsync(bytes);
        context.Response.Close();
    }
}
