using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Preference.Cli.Configuration;
using Preference.Training.Grpo;

namespace Preference.Cli.Tests.Grpo;

/// <summary>`pref grpo` as a user runs it: a tiny run end to end, and bad configs answered with one line.</summary>
public sealed class GrpoCommandTests : IDisposable
{
    readonly string directory = Directory.CreateTempSubdirectory("grpo-cli-").FullName;

    const string TinyConfig = """
        grpo:
          max_steps: 2
          per_device_train_batch_size: 4
          num_generations: 2
          max_completion_length: 8
          stop_token_id: 1
          beta: 0.04
          loss_type: dr_grpo
          advantage_estimator: rloo
          save_steps: 1
          sample_steps: 1
          optimizer:
            learning_rate: 1.0e-4
            gradient_accumulation_steps: 2
          prompts: ["Once upon a time, there was a dog.", "Tom was happy.", "Sue had a ball.", "One day, Ben ran."]
          rewards:
            - kind: keyword
              name: dog
              keyword: dog
            - kind: judge
              name: judge
              judge: JUDGE
              weight: 0.5
        """;

    const string Judge = """
        name: dog-judge
        kind: keyword
        keyword:
          tie_tolerance: 0
          rules:
            - pattern: '\bdog\b'
              weight: 1
        """;

    string WriteConfig(string text)
    {
        var judge = Path.Combine(directory, "judge.yaml");
        File.WriteAllText(judge, Judge);
        var path = Path.Combine(directory, "grpo.yaml");
        File.WriteAllText(path, text.Replace("JUDGE", judge));
        return path;
    }

    [Fact]
    public async Task Grpo_trains_a_tiny_run_with_rule_and_judge_rewards_and_writes_an_hf_policy()
    {
        var config = WriteConfig(TinyConfig);
        var output = Path.Combine(directory, "run");

        var result = await PrefProcess.RunAsync("grpo", "--config", config, "--output", output, "--threads", "1");

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("grpo: 2 steps", result.Stdout);
        Assert.True(File.Exists(Path.Combine(output, "final", "config.json")));
        Assert.True(File.Exists(Path.Combine(output, "final", "model.safetensors")));
        Assert.False(File.Exists(Path.Combine(output, "final", "value_model.safetensors")));
        var rows = File.ReadAllLines(Path.Combine(output, "metrics.jsonl")).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(row => row.GetProperty("step").GetInt64() > 0).ToList();
        Assert.Equal(2, rows.Count);
        foreach (var name in new[] { "reward", "reward_std", "frac_reward_zero_std", "kl", "rewards/dog/mean", "rewards/judge/mean", "completions/clipped_ratio" })
            Assert.True(rows[1].TryGetProperty(name, out _), $"metric {name} is missing");
        Assert.Contains("grpo: step 2/2", result.Stderr);

        var again = await PrefProcess.RunAsync("grpo", "--config", config, "--output", output, "--threads", "1");
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("already holds a grpo run; pass --resume", again.Stderr);
    }

    [Fact]
    public async Task An_http_reward_receives_each_prompts_reference_and_extra_fields_from_a_jsonl_prompts_file()
    {
        var prompts = Path.Combine(directory, "prompts.jsonl");
        File.WriteAllLines(prompts, [
            """{"prompt": "Once upon a time, there was a dog.", "reference": "dog", "task_id": 1}""",
            """{"prompt": "Tom was happy.", "reference": "happy", "task_id": 2}""",
        ]);
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0)) { probe.Start(); port = ((IPEndPoint)probe.LocalEndpoint).Port; }
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        var seen = new List<string>();
        var server = Task.Run(async () =>
        {
            while (listener.IsListening)
            {
                HttpListenerContext context;
                try { context = await listener.GetContextAsync(); } catch (HttpListenerException) { return; } catch (ObjectDisposedException) { return; }
                using var body = await JsonDocument.ParseAsync(context.Request.InputStream);
                var labels = body.RootElement.GetProperty("labels").EnumerateArray().Select(l => l.GetString()!).ToList();
                var fields = body.RootElement.GetProperty("fields").EnumerateArray().ToList();
                lock (seen) seen.AddRange(labels.Select((l, i) => $"{l}:{fields[i].GetProperty("task_id").GetInt32()}"));
                var completions = body.RootElement.GetProperty("completions").EnumerateArray().Select(c => c.GetString()!).ToList();
                var bytes = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { rewards = completions.Select((c, i) => c.Contains(labels[i]) ? 1.0 : 0.0) }));
                context.Response.ContentType = "application/json";
                await context.Response.OutputStream.WriteAsync(bytes);
                context.Response.Close();
            }
        });
        var config = WriteConfig(TinyConfig.Replace("max_steps: 2", "max_steps: 1")
            .Replace("  prompts: [\"Once upon a time, there was a dog.\", \"Tom was happy.\", \"Sue had a ball.\", \"One day, Ben ran.\"]\n", "")
            .Replace("num_generations: 2", "num_generations: 4")
            .Replace("    - kind: judge", $"    - kind: http\n      name: remote\n      url: http://127.0.0.1:{port}/reward\n    - kind: judge"));

        var result = await PrefProcess.RunAsync("grpo", "--config", config, "--set", $"grpo.prompts_file={prompts}", "--output", Path.Combine(directory, "run"), "--threads", "1");
        listener.Stop();
        await server;

        Assert.True(result.ExitCode == 0, result.Stderr);
        // One step: 2 prompts × 4 completions, each scored with its own prompt's reference and task id.
        Assert.Equal(8, seen.Count);
        Assert.Equal(4, seen.Count(s => s == "dog:1"));
        Assert.Equal(4, seen.Count(s => s == "happy:2"));
    }

    [Theory]
    [InlineData("loss_type: dr_grpo", "loss_type: huber", "grpo.loss_type")]
    [InlineData("advantage_estimator: rloo", "advantage_estimator: ppo", "grpo.advantage_estimator")]
    [InlineData("num_generations: 2", "num_generations: 3", "grpo.num_generations: the generation batch")]
    [InlineData("beta: 0.04", "beta: -1", "grpo.beta: must be 0")]
    [InlineData("beta: 0.04", "beta: 0.04\n  epsilon_hi: 0.3", "grpo.epsilon_hi")]
    public async Task A_bad_setting_is_one_error_line_naming_the_file_and_key_and_nothing_is_written(string original, string replacement, string expected)
    {
        var config = WriteConfig(TinyConfig.Replace(original, replacement));
        var output = Path.Combine(directory, "run");

        var result = await PrefProcess.RunAsync("grpo", "--config", config, "--output", output, "--threads", "1");

        Assert.Equal(1, result.ExitCode);
        var lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.Contains(config, lines[0]);
        Assert.Contains(expected, lines[0]);
        Assert.False(Directory.Exists(Path.Combine(output, "checkpoints")));
    }

    [Theory]
    [InlineData("grpo-stories.yaml", 8, 64)]
    [InlineData("quickstart.yaml", 4, 48)]
    public void The_shipped_grpo_sections_are_valid(string file, int promptsPerStep, int completionLength)
    {
        // The quickstart's section takes its prompts from quickstart.prompts, so one is given here.
        var config = StageConfigFile.Load<GrpoConfig>(RepoConfig(file), "grpo", ["grpo.prompts=[\"Tom had a dog.\"]"]);

        Assert.Equal(promptsPerStep, config.PromptsPerStep);
        Assert.Equal(completionLength, config.MaxCompletionLength);
        Assert.True(config.Beta > 0);
    }

    static string RepoConfig(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Preference.sln"))) return Path.Combine(dir.FullName, "configs", name);
        throw new DirectoryNotFoundException("repository root not found");
    }

    public void Dispose()
    {
        try { Directory.Delete(directory, true); } catch (IOException) { }
    }
}
