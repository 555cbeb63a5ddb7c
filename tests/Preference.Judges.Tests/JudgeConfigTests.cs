using Preference.Judges.Configuration;
using Preference.Judges.OpenAi;
using Preference.Judges.PositionBias;
using Preference.Judges.Tests.Fakes;

namespace Preference.Judges.Tests;

public sealed class JudgeConfigTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pref-judge-config-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string yaml)
    {
        var path = Path.Combine(_dir, "judge.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }

    private static string RepoConfig(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Preference.sln"))) return Path.Combine(dir.FullName, "configs", name);
        throw new DirectoryNotFoundException("repository root not found");
    }

    [Theory]
    [InlineData("judge.yaml")]
    [InlineData("judge-length.yaml")]
    [InlineData("judge-keyword.yaml")]
    public async Task The_shipped_configurations_load_and_build_a_judge(string file)
    {
        var config = await JudgeConfigLoader.LoadAsync(RepoConfig(file));
        var judge = JudgeConfigLoader.CreateJudge(config, _ => null);
        Assert.Equal(config.Name, judge.Identity.Name);
    }

    [Fact]
    public async Task A_misspelt_key_is_an_error_naming_the_file_line_and_key()
    {
        var path = Write("name: j\nkind: openai\nopenai:\n  base_url: http://127.0.0.1:1/v1\n  model: m\n  temprature: 0.5\n");
        var error = await Assert.ThrowsAsync<JudgeConfigException>(() => JudgeConfigLoader.LoadAsync(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("line 6", error.Message);
        Assert.Contains("temprature", error.Message);
    }

    [Theory]
    [InlineData("kind: length\n", "name: required")]
    [InlineData("name: j\n", "kind: required")]
    [InlineData("name: j\nkind: gpt\n", "kind: 'gpt'")]
    [InlineData("name: j\nkind: openai\n", "openai: required")]
    [InlineData("name: j\nkind: openai\nopenai:\n  base_url: localhost\n  model: m\n", "openai.base_url")]
    [InlineData("name: j\nkind: openai\nopenai:\n  base_url: http://h/v1\n", "openai.model: required")]
    [InlineData("name: j\nkind: openai\nopenai:\n  base_url: http://h/v1\n  model: m\n  temperature: 3\n", "openai.temperature")]
    [InlineData("name: j\nkind: openai\nopenai:\n  base_url: http://h/v1\n  model: m\nresilience:\n  max_concurrency: 0\n", "resilience.max_concurrency")]
    [InlineData("name: j\nkind: length\nposition_bias: sometimes\n", "position_bias: 'sometimes'")]
    [InlineData("name: j\nkind: length\nlength:\n  prefer: medium\n", "length.prefer")]
    [InlineData("name: j\nkind: keyword\nkeyword:\n  rules:\n    - pattern: '(x'\n", "keyword.rules[0].pattern")]
    [InlineData("name: j\nkind: keyword\n", "keyword.rules")]
    [InlineData("", "empty")]
    public async Task An_invalid_value_is_an_error_naming_the_key(string yaml, string expected)
    {
        var path = Write(yaml);
        var error = await Assert.ThrowsAsync<JudgeConfigException>(() => JudgeConfigLoader.LoadAsync(path));
        Assert.Contains(path, error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public async Task An_llm_judge_is_balanced_over_both_orders_unless_turned_off()
    {
        var on = await JudgeConfigLoader.LoadAsync(Write("name: j\nkind: openai\nopenai:\n  base_url: http://127.0.0.1:1/v1\n  model: m\n"));
        Assert.IsType<PositionBalancedJudge>(JudgeConfigLoader.CreateJudge(on, _ => null));

        var off = await JudgeConfigLoader.LoadAsync(Write("name: j\nkind: openai\nposition_bias: off\nopenai:\n  base_url: http://127.0.0.1:1/v1\n  model: m\n"));
        Assert.IsType<ChatJudge>(JudgeConfigLoader.CreateJudge(off, _ => null));
    }

    [Fact]
    public async Task The_api_key_comes_from_the_named_environment_variable()
    {
        await using var server = await new FakeChatServer().StartAsync();
        var config = await JudgeConfigLoader.LoadAsync(Write(
            $"name: j\nkind: openai\nposition_bias: off\nopenai:\n  base_url: {server.BaseUrl}\n  model: m\n  api_key_env: MY_KEY\n"));
        string? asked = null;
        var judge = JudgeConfigLoader.CreateJudge(config, name => { asked = name; return "secret"; });

        var verdict = await judge.JudgeAsync(Tasks.Pair("q"));

        Assert.Equal("MY_KEY", asked);
        Assert.True(verdict.Succeeded, verdict.Failure);
    }

    [Fact]
    public async Task Pandalm_items_become_tasks_with_response_ids_matching_its_labels()
    {
        var tasks = await TaskFile.ReadAsync(TestData.Fixture("pandalm", "testset-every7th.json"));

        Assert.Equal(100, tasks.Count);
        Assert.Equal(["0", "7", "14"], tasks.Take(3).Select(t => t.TaskId));
        Assert.Equal(["response1", "response2"], tasks[0].Responses.Select(r => r.Id));
        Assert.Contains("If you have any questions about my rate", tasks[0].Prompt);
    }

    [Fact]
    public async Task A_task_line_without_responses_is_rejected_naming_the_line()
    {
        var path = Path.Combine(_dir, "tasks.jsonl");
        File.WriteAllText(path, "{\"id\":\"1\",\"prompt\":\"p\",\"responses\":[\"a\",\"b\"]}\n{\"id\":\"2\",\"prompt\":\"p\"}\n");
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => TaskFile.ReadAsync(path));
        Assert.Contains("line 2", error.Message);
        Assert.Contains("responses", error.Message);
    }
}
