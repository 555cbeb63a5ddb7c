using System.Text.Json;

namespace Preference.Cli.Tests.Training;

/// <summary>`pref dpo` and `pref kto` as a user runs them: a config, a tiny preference file, a run directory.</summary>
public sealed class DpoCommandTests : IDisposable
{
    readonly string directory = Directory.CreateTempSubdirectory("dpo-cli-").FullName;

    string Write(string name, IEnumerable<string> lines)
    {
        var path = Path.Combine(directory, name);
        File.WriteAllLines(path, lines);
        return path;
    }

    string Pairs() => Write("pairs.jsonl", Enumerable.Range(0, 12).Select(i => JsonSerializer.Serialize(new
    {
        prompt = $"Tim saw cat {i}.", chosen = $"Tim said: cat {i} is red.", rejected = $"Tim said: cat {i} is blue.",
    })));

    static string Repository => Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../.."));

    static string Config => Path.Combine(Repository, "configs", "dpo-stories.yaml");

    [Fact]
    public async Task Dpo_writes_an_hf_model_and_trl_named_metrics()
    {
        var output = Path.Combine(directory, "run");
        var result = await PrefProcess.RunAsync("dpo", "-c", Config, "--set", $"dpo.train_file={Pairs()}", "--set", "dpo.max_steps=3",
            "--set", "dpo.validation_split=0.25", "--set", "dpo.per_device_train_batch_size=4", "-o", output, "--threads", "1");

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.True(File.Exists(Path.Combine(output, "final", "config.json")));
        Assert.True(File.Exists(Path.Combine(output, "final", "model.safetensors")));
        var rows = File.ReadAllLines(Path.Combine(output, "metrics.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var last = rows.Last(r => r.TryGetProperty("train/loss", out _));
        foreach (var name in new[] { "train/rewards/chosen", "train/rewards/rejected", "train/rewards/accuracies", "train/rewards/margins",
                     "train/logps/chosen", "train/logps/rejected", "train/learning_rate", "train/grad_norm", "eval/loss", "eval/rewards/margins" })
            Assert.True(last.TryGetProperty(name, out _), name);
        Assert.True(File.Exists(Path.Combine(output, "environment.json")));
    }

    [Fact]
    public async Task Kto_trains_on_thumbs_up_and_down_rows()
    {
        var labels = Write("labels.jsonl", Enumerable.Range(0, 12).Select(i => JsonSerializer.Serialize(new
        {
            prompt = $"Tim saw cat {i}.", completion = i % 2 == 0 ? $"Tim said: cat {i} is red." : $"Tim said: cat {i} is blue.", label = i % 2 == 0,
        })));
        var output = Path.Combine(directory, "kto");
        var result = await PrefProcess.RunAsync("kto", "-c", Config, "--set", $"kto.train_file={labels}", "--set", "kto.max_steps=2",
            "--set", "kto.per_device_train_batch_size=4", "--set", "kto.validation_split=0", "-o", output, "--threads", "1");

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.True(File.Exists(Path.Combine(output, "final", "model.safetensors")));
        Assert.Contains("\"train/kl\"", File.ReadAllText(Path.Combine(output, "metrics.jsonl")));
    }

    [Theory]
    [InlineData("dpo.beta=0", "dpo.beta must be positive")]
    [InlineData("dpo.loss=dpo2", "dpo.loss: expected one of")]
    [InlineData("dpo.epochs=3", "'epochs' was renamed to 'num_train_epochs'")]
    [InlineData("dpo.betta=0.2", "unknown key 'betta'")]
    [InlineData("dpo.ties=loss", "dpo.ties: loss needs loss sigmoid")]
    public async Task A_bad_setting_fails_in_one_line_naming_file_and_key(string setting, string expected)
    {
        var extra = setting.StartsWith("dpo.ties", StringComparison.Ordinal) ? new[] { "--set", "dpo.loss=ipo" } : [];
        var result = await PrefProcess.RunAsync(["dpo", "-c", Config, "--set", $"dpo.train_file={Pairs()}", "--set", setting, .. extra,
            "-o", Path.Combine(directory, "bad")]);

        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(expected, line);
        Assert.Contains("dpo-stories.yaml", line);
        Assert.False(Directory.Exists(Path.Combine(directory, "bad")));
    }

    [Fact]
    public async Task A_bad_data_row_fails_naming_the_file_the_record_and_the_field()
    {
        var data = Write("broken.jsonl", [
            JsonSerializer.Serialize(new { prompt = "Tim saw a cat.", chosen = "red", rejected = "blue" }),
            JsonSerializer.Serialize(new { prompt = "Tim saw a dog.", completions = new[] { "a", "b" }, ranking = new[] { new[] { 0 }, new[] { 0 } } }),
        ]);
        var result = await PrefProcess.RunAsync("dpo", "-c", Config, "--set", $"dpo.train_file={data}", "-o", Path.Combine(directory, "broken"));

        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("broken.jsonl", line);
        Assert.Contains("record 2", line);
        Assert.Contains("ranking", line);
    }

    [Fact]
    public async Task A_second_run_into_the_same_directory_is_refused_unless_resuming()
    {
        var output = Path.Combine(directory, "twice");
        string[] args = ["dpo", "-c", Config, "--set", $"dpo.train_file={Pairs()}", "--set", "dpo.max_steps=1", "--set", "dpo.validation_split=0", "-o", output];
        Assert.Equal(0, (await PrefProcess.RunAsync(args)).ExitCode);

        var again = await PrefProcess.RunAsync(args);

        Assert.Equal(1, again.ExitCode);
        Assert.Contains("already holds a dpo run", again.Stderr);
    }

    public void Dispose()
    {
        try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
    }
}
