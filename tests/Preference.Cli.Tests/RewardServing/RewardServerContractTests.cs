using System.Net;
using System.Text.Json;
using Preference.Cli.RewardServing;
using Preference.Training.Rewards;

namespace Preference.Cli.Tests.RewardServing;

/// <summary>
/// The reward server's HTTP contract, on real Kestrel: OpenRLHF's /get_reward (openrlhf/cli/serve_rm.py's request and
/// answer), the plain /v1/rewards, health, OpenAPI, the bearer token and the 4xx answers that name the field.
/// </summary>
public sealed class RewardServerContractTests
{
    static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    static float[] Floats(JsonElement list) => list.EnumerateArray().Select(e => e.GetSingle()).ToArray();

    [Fact]
    public async Task Get_reward_answers_openrlhf_with_one_reward_per_query_in_order_scores_and_extra_logs()
    {
        await using var server = await RunningRewardServer.StartAsync(RunningRewardServer.StoryRules());
        string prompt = "Tom went out.";

        var body = await JsonAsync(await server.PostJsonAsync("/get_reward", new
        {
            query = new[] { prompt + " The dog was happy.", prompt + " It rained.", prompt + " A dog barked." },
            prompts = new[] { prompt, prompt, prompt },
            labels = new string?[] { null, null, null },
        }));

        Assert.Equal([2f, 0f, 1f], Floats(body.GetProperty("rewards")));
        Assert.Equal(Floats(body.GetProperty("rewards")), Floats(body.GetProperty("scores")));
        var logs = body.GetProperty("extra_logs");
        Assert.Equal([1f, 0f, 1f], Floats(logs.GetProperty("dog")));
        Assert.Equal([1f, 0f, 0f], Floats(logs.GetProperty("happy")));
    }

    [Fact]
    public async Task A_query_is_scored_after_its_prompt_even_behind_special_tokens_and_prompts_are_optional()
    {
        await using var server = await RunningRewardServer.StartAsync(RunningRewardServer.StoryRules());

        // The dog is in the prompt only: with the prompt given it earns nothing, without it the whole query is scored.
        var withPrompt = await JsonAsync(await server.PostJsonAsync("/get_reward",
            new { query = new[] { "<s>[INST] Tell me about a dog [/INST] It was a sunny day.</s>" }, prompts = new[] { "[INST] Tell me about a dog [/INST]" } }));
        var withoutPrompt = await JsonAsync(await server.PostJsonAsync("/get_reward",
            new { query = new[] { "<s>[INST] Tell me about a dog [/INST] It was a sunny day.</s>" } }));

        Assert.Equal([0f], Floats(withPrompt.GetProperty("rewards")));
        Assert.Equal([1f], Floats(withoutPrompt.GetProperty("rewards")));
    }

    [Fact]
    public async Task Labels_and_references_reach_the_sources_as_the_reference_answer()
    {
        var matchesReference = new DelegateReward("exact", input => input.Reference is { } r && input.Completion.Trim() == r ? 1 : 0);
        await using var server = await RunningRewardServer.StartAsync(new WeightedReward("reward", [new WeightedSource(matchesReference, 2)]));

        var openRlhf = await JsonAsync(await server.PostJsonAsync("/get_reward",
            new { query = new[] { "Q: 6*7? A: 42", "Q: 6*7? A: 41" }, prompts = new[] { "Q: 6*7? A:", "Q: 6*7? A:" }, labels = new object[] { 42, "42" } }));
        var plain = await JsonAsync(await server.PostJsonAsync("/v1/rewards",
            new { prompts = new[] { "p", "p" }, completions = new[] { "Paris", "Lyon" }, references = new[] { "Paris", "Paris" } }));
        var labelled = await JsonAsync(await server.PostJsonAsync("/v1/rewards",
            new { prompts = new[] { "p" }, completions = new[] { "Paris" }, labels = new[] { "Paris" } }));

        Assert.Equal([2f, 0f], Floats(openRlhf.GetProperty("rewards")));
        Assert.Equal([2f, 0f], Floats(plain.GetProperty("rewards")));
        Assert.Equal([1f, 0f], Floats(plain.GetProperty("parts").GetProperty("exact")));
        Assert.Equal([2f], Floats(labelled.GetProperty("rewards")));
    }

    [Fact]
    public async Task Plain_rewards_answer_one_weighted_reward_per_completion_in_order()
    {
        await using var server = await RunningRewardServer.StartAsync(RunningRewardServer.StoryRules());
        var completions = Enumerable.Range(0, 50).Select(i => (i % 3) switch { 0 => "a dog", 1 => "happy dog", _ => "rain" }).ToArray();

        var body = await JsonAsync(await server.PostJsonAsync("/v1/rewards", new { prompts = completions.Select(_ => "Once").ToArray(), completions }));

        Assert.Equal(completions.Select(c => c switch { "a dog" => 1f, "happy dog" => 2f, _ => 0f }), Floats(body.GetProperty("rewards")));
    }

    [Fact]
    public async Task An_empty_batch_gets_empty_rewards()
    {
        await using var server = await RunningRewardServer.StartAsync(RunningRewardServer.StoryRules());

        var body = await JsonAsync(await server.PostJsonAsync("/get_reward", new { query = Array.Empty<string>() }));

        Assert.Empty(Floats(body.GetProperty("rewards")));
    }

    [Theory]
    [InlineData("/get_reward", """{"prompts": ["a"]}""", 400, "query")]
    [InlineData("/get_reward", """{"query": "a dog"}""", 400, "query")]
    [InlineData("/get_reward", """{"query": ["a", 7]}""", 400, "query[1]")]
    [InlineData("/get_reward", """{"query": ["a", null]}""", 400, "query[1]")]
    [InlineData("/get_reward", """{"query": ["a", "b"], "prompts": ["a"]}""", 400, "prompts")]
    [InlineData("/get_reward", """{"query": ["a"], "labels": ["x", "y"]}""", 400, "labels")]
    [InlineData("/get_reward", """{"query": ["a"], "labels": [{"answer": 1}]}""", 400, "labels[0]")]
    [InlineData("/get_reward", """["a"]""", 400, "body")]
    [InlineData("/get_reward", """{"query": ["a"]""", 400, "body")]
    [InlineData("/v1/rewards", """{"completions": ["a"]}""", 400, "prompts")]
    [InlineData("/v1/rewards", """{"prompts": ["a"]}""", 400, "completions")]
    [InlineData("/v1/rewards", """{"prompts": ["a"], "completions": [true]}""", 400, "completions[0]")]
    [InlineData("/v1/rewards", """{"prompts": ["a"], "completions": ["b"], "references": ["r"], "labels": ["r"]}""", 400, "labels")]
    [InlineData("/v1/rewards", """{"prompts": ["a", "b"], "completions": ["a", "b"], "references": ["r"]}""", 400, "references")]
    [InlineData("/v1/rewards", """{"prompts": ["a", "b", "c", "d", "e"], "completions": ["a", "b", "c", "d", "e"]}""", 413, "completions")]
    [InlineData("/v1/rewards", """{"prompts": ["a"], "completions": ["0123456789abcdefghijklmnopqrstuvwxyz"]}""", 413, "completions[0]")]
    public async Task A_bad_request_is_refused_with_a_problem_naming_the_field(string path, string json, int status, string field)
    {
        var config = new RewardServerConfig { Rewards = [new RewardSpec { Kind = "keyword", Keyword = "dog" }], MaxItemsPerRequest = 4, MaxQueuedItems = 8, MaxTextLength = 32 };
        await using var server = await RunningRewardServer.StartAsync(RunningRewardServer.StoryRules(), config);

        var response = await server.PostRawAsync(path, json);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        Assert.StartsWith(field + ":", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_body_over_the_size_limit_is_refused_with_413()
    {
        var config = new RewardServerConfig { Rewards = [new RewardSpec { Kind = "keyword", Keyword = "dog" }], MaxRequestBodyBytes = 2048 };
        await using var server = await RunningRewardServer.StartAsync(RunningRewardServer.StoryRules(), config);

        var response = await server.PostJsonAsync("/get_reward", new { query = Enumerable.Repeat("a dog ran", 400).ToArray() });

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("body", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task With_a_token_scoring_needs_the_bearer_token_and_health_stays_open()
    {
        await using var server = await RunningRewardServer.StartAsync(RunningRewardServer.StoryRules(), token: "s3cret");
        var body = new { query = new[] { "a dog" } };

        var missing = await server.PostJsonAsync("/get_reward", body);
        var wrong = await server.PostJsonAsync("/v1/rewards", new { prompts = new[] { "p" }, completions = new[] { "a dog" } }, token: "guess");
        var right = await server.PostJsonAsync("/get_reward", body, token: "s3cret");
        var health = await server.Client.GetAsync("/health");

        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal("Bearer", missing.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal("application/problem+json", wrong.Content.Headers.ContentType?.MediaType);
        var rewards = Floats((await JsonAsync(right)).GetProperty("rewards"));
        Assert.Equal([1f], rewards);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task Health_names_the_sources_and_counts_what_was_scored()
    {
        await using var server = await RunningRewardServer.StartAsync(RunningRewardServer.StoryRules());
        await JsonAsync(await server.PostJsonAsync("/get_reward", new { query = new[] { "a", "b", "c" } }));

        var health = await JsonAsync(await server.Client.GetAsync("/health"));

        Assert.Equal("ok", health.GetProperty("status").GetString());
        Assert.Equal(["dog", "happy"], health.GetProperty("sources").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(3, health.GetProperty("scored").GetInt64());
        Assert.Equal(0, health.GetProperty("queued_items").GetInt32());
    }

    [Fact]
    public async Task The_openapi_document_describes_both_scoring_endpoints_and_their_bodies()
    {
        await using var server = await RunningRewardServer.StartAsync(RunningRewardServer.StoryRules());

        var document = await JsonAsync(await server.Client.GetAsync("/openapi.json"));

        var paths = document.GetProperty("paths");
        Assert.True(paths.GetProperty("/get_reward").GetProperty("post").TryGetProperty("requestBody", out _));
        Assert.True(paths.GetProperty("/v1/rewards").GetProperty("post").TryGetProperty("requestBody", out _));
        Assert.True(paths.TryGetProperty("/health", out _));
        var schemas = document.GetProperty("components").GetProperty("schemas");
        Assert.True(schemas.GetProperty("OpenRlhfRewardResponse").GetProperty("properties").TryGetProperty("extra_logs", out _));
    }
}
