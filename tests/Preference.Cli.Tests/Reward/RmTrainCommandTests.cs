using System.Text.Json;
using Preference.Cli.Configuration;
using Preference.Training.Reward.Training;

namespace Preference.Cli.Tests.Reward;

/// <summary>`pref rm train` as a user runs it: the rm: section of a config, --set overrides, a run directory.</summary>
public sealed class RmTrainCommandTests : IDisposable
{
    readonly string directory = Directory.CreateTempSubdirectory("rm-cli-").FullName;

    static string Repository => Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../.."));

    string Write(string name, string text)
    {
        var path = Path.Combine(directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    string Pairs() => Write("pairs.jsonl", string.Join('\n', Enumerable.Range(0, 24).Select(i => JsonSerializer.Serialize(new
    {
        prompt = $"Tim saw cat {i}.", chosen = $"Tim said: cat {i} is red.", rejected = $"Tim said: cat {i} is blue.",
    }))));

    /// <summary>A tiny scratch model: everything but the data file and the length of the run.</summary>
    string Config() => Write("rm.yaml", """
        rm:
          base_model: scratch
          scratch: {vocab_size: 300, hidden_size: 16, layers: 1, heads: 2, intermediate_size: 32}
          max_length: 32
          per_device_train_batch_size: 4
          validation_fraction: 0.25
          num_train_epochs: 1
        """);

    [Fact]
    public async Task Rm_train_reads_its_section_with_set_overrides_and_writes_a_sequence_classifier()
    {
        var output = Path.Combine(directory, "run");
        var result = await PrefProcess.RunAsync("rm", "train", "-c", Config(), "--set", $"rm.train_file={Pairs()}", "--set", "rm.max_steps=4",
            "--set", "rm.eval_steps=2", "--set", "rm.logging_steps=1", "-o", output, "--threads", "1");

        Assert.True(result.ExitCode == 0, result.Stderr);
        var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "final", "config.json"))).RootElement;
        Assert.Equal("LlamaForSequenceClassification", config.GetProperty("architectures")[0].GetString());
        Assert.True(File.Exists(Path.Combine(output, "final", "reward_model.json")));
        Assert.True(File.Exists(Path.Combine(output, "best", "reward_model.json")));
        var rows = File.ReadAllLines(Path.Combine(output, "metrics.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(4, rows.Max(r => r.GetProperty("step").GetInt64()));
        Assert.All(rows, r => Assert.Equal(RewardTrainer.Stage, r.GetProperty("stage").GetString()));
        var evaluated = rows.Last(r => r.TryGetProperty("eval/accuracy", out _));
        foreach (var name in new[] { "train/loss", "train/learning_rate", "train/grad_norm", "train/accuracy", "eval/loss", "eval/accuracy" })
            Assert.True(evaluated.TryGetProperty(name, out _), name);
        var environment = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "environment.json"))).RootElement;
        Assert.Equal(1, environment.GetProperty("seed").GetInt64());
        Assert.True(environment.GetProperty("rng").TryGetProperty("torch_cpu_state_sha256", out _));
        Assert.Contains("model            ", result.Stdout);

        // The directory now holds a run: a fresh start there is refused, and nothing in it changes.
        var before = File.ReadAllText(Path.Combine(output, "metrics.jsonl"));
        var again = await PrefProcess.RunAsync("rm", "train", "-c", Config(), "--set", $"rm.train_file={Pairs()}", "-o", output, "--threads", "1");
        Assert.NotEqual(0, again.ExitCode);
        Assert.Contains("already holds a rm run; pass --resume", again.Stderr);
        Assert.Equal(before, File.ReadAllText(Path.Combine(output, "metrics.jsonl")));
    }

    [Fact]
    public async Task A_config_error_names_the_file_and_the_key_and_starts_nothing()
    {
        var config = Write("old.yaml", "rm:\n  train_file: pairs.jsonl\n  epochs: 2\n");
        var output = Path.Combine(directory, "never");
        var renamed = await PrefProcess.RunAsync("rm", "train", "-c", config, "-o", output);
        Assert.NotEqual(0, renamed.ExitCode);
        Assert.Contains($"{config}: rm.epochs: 'epochs' was renamed to 'num_train_epochs'", renamed.Stderr);

        var invalid = await PrefProcess.RunAsync("rm", "train", "-c", Config(), "--set", "rm.train_file=pairs.jsonl", "--set", "rm.validation_fraction=0.9", "-o", output);
        Assert.NotEqual(0, invalid.ExitCode);
        Assert.Contains($"{Path.Combine(directory, "rm.yaml")}: rm.validation_fraction must be above 0 and below 0.5", invalid.Stderr);
        Assert.False(Directory.Exists(output));
    }

    [Theory]
    [InlineData("rm-hh-rlhf.yaml")]
    [InlineData("rm-qa-feedback.yaml")]
    [InlineData("quickstart.yaml")]
    public void The_shipped_configs_rm_sections_are_valid(string file)
    {
        var config = StageConfigFile.Load<RewardConfig>(Path.Combine(Repository, "configs", file), "rm", ["rm.train_file=pairs.jsonl"]);
        Assert.True(config.NumTrainEpochs >= 1);
    }

    public void Dispose()
    {
        try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
    }
}
