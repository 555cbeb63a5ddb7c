using System.Text.Json;

namespace Preference.Cli.Tests.Training;

/// <summary>Every stage on the training loop resumes after a real kill to the uninterrupted run's losses.</summary>
public sealed class ResumeAfterKillTests : IDisposable
{
    static readonly string[] Names = ["Tim", "Lily", "Sam", "Mia", "Ben", "Sue", "Max", "Anna"];

    readonly string directory = Directory.CreateTempSubdirectory("resume-kill-").FullName;

    string Write(string name, IEnumerable<object> rows)
    {
        var path = Path.Combine(directory, name);
        File.WriteAllLines(path, rows.Select(r => JsonSerializer.Serialize(r)));
        return path;
    }

    // Dropout on (LoRA's draws from torch's RNG every step), so only a restored RNG state gives the same losses.
    static string[] Common(string section) =>
    [
        "--set", $"{section}.max_steps=24", "--set", $"{section}.save_steps=2", "--set", $"{section}.eval_steps=6", "--set", $"{section}.logging_steps=1",
        "--set", $"{section}.per_device_train_batch_size=4", "--set", $"{section}.lora={{rank: 4, alpha: 8, dropout: 0.3}}",
        "--set", $"{section}.disable_dropout=false", "--set", $"{section}.max_length=32", "--threads", "1",
    ];

    [Fact]
    public async Task Sft_resumes_after_kill_to_identical_losses()
    {
        var data = Write("sft.jsonl", Enumerable.Range(0, 32).Select(i => new { prompt = $"{Names[i % 8]} saw thing {i}.", completion = $" It was red {i}." }));
        await ResumeAfterKill.AssertIdenticalLossesAsync(
            ["sft", "--set", $"sft.train_file={data}", "--set", "sft.forgetting_samples=0", .. Common("sft")], Path.Combine(directory, "sft"));
    }

    [Fact]
    public async Task Dpo_resumes_after_kill_to_identical_losses()
    {
        var data = Write("pairs.jsonl", Enumerable.Range(0, 32).Select(i => new
        {
            prompt = $"{Names[i % 8]} saw thing {i}.", chosen = $"It was red {i}.", rejected = $"It was blue {i}.",
        }));
        await ResumeAfterKill.AssertIdenticalLossesAsync(["dpo", "--set", $"dpo.train_file={data}", .. Common("dpo")], Path.Combine(directory, "dpo"));
    }

    [Fact]
    public async Task Kto_resumes_after_kill_to_identical_losses()
    {
        var data = Write("labels.jsonl", Enumerable.Range(0, 32).Select(i => new
        {
            prompt = $"{Names[i % 8]} saw thing {i}.", completion = i % 2 == 0 ? $"It was red {i}." : $"It was blue {i}.", label = i % 2 == 0,
        }));
        await ResumeAfterKill.AssertIdenticalLossesAsync(["kto", "--set", $"kto.train_file={data}", .. Common("kto")], Path.Combine(directory, "kto"));
    }

    // The online stages on the bundled model: a few prompts, short completions, a keyword reward; dropout is off, so
    // only the restored RNG state (sampling), weights, optimizer and, for PPO, the adaptive KL coefficient repeat the run.
    static readonly string OnlinePrompts = "[" + string.Join(", ", Names.Select(n => $"'{n} went to the park.'")) + "]";

    static readonly Dictionary<string, (string[] Settings, string[] Losses)> Online = new()
    {
        ["ppo"] = (
        [
            "total_episodes=48", "per_device_train_batch_size=2", "num_mini_batches=2", "num_ppo_epochs=2", "response_length=12",
            "temperature=1.0", "adaptive_kl=true", "kl_horizon=100", "optimizer={learning_rate: 5.0e-4}",
        ], ["loss/policy_avg", "loss/value_avg", "objective/kl", "objective/kl_coef", "objective/scores"]),
        ["grpo"] = (
        [
            "max_steps=12", "per_device_train_batch_size=4", "num_generations=2", "max_completion_length=12", "beta=0.04",
            "num_iterations=2", "optimizer={learning_rate: 1.0e-4, gradient_accumulation_steps: 2}",
        ], ["loss", "kl", "reward", "grad_norm"]),
    };

    [Theory]
    [InlineData("ppo")]
    [InlineData("grpo")]
    public async Task Online_stage_resumes_after_kill_to_identical_losses(string stage)
    {
        var (settings, losses) = Online[stage];
        string[] common = [$"prompts={OnlinePrompts}", "rewards=[{kind: keyword, keyword: she}]", "save_steps=2", "sample_steps=1"];
        await ResumeAfterKill.AssertIdenticalLossesAsync(
            [stage, .. common.Concat(settings).SelectMany(s => new[] { "--set", $"{stage}.{s}" }), "--threads", "1"],
            Path.Combine(directory, stage), metrics: losses);
    }

    [Fact]
    public async Task Rm_resumes_after_kill_to_identical_losses()
    {
        var data = Write("rm-pairs.jsonl", Enumerable.Range(0, 32).Select(i => new
        {
            prompt = $"{Names[i % 8]} saw thing {i}.", chosen = $"It was red {i}.", rejected = $"It was blue {i}.",
        }));
        // A tiny scratch trunk; the pooled head's dropout draws from torch's RNG every step.
        await ResumeAfterKill.AssertIdenticalLossesAsync(
        [
            "rm", "train", "--set", $"rm.train_file={data}", "--set", "rm.scratch={vocab_size: 300, hidden_size: 16, layers: 1, heads: 2, intermediate_size: 32}",
            "--set", "rm.pooling=last_and_mean", "--set", "rm.head_dropout=0.3", "--set", "rm.validation_fraction=0.25",
            "--set", "rm.max_steps=24", "--set", "rm.save_steps=2", "--set", "rm.eval_steps=6", "--set", "rm.logging_steps=1",
            "--set", "rm.per_device_train_batch_size=4", "--set", "rm.max_length=32", "--threads", "1",
        ], Path.Combine(directory, "rm"));
    }

    public void Dispose()
    {
        try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
    }
}
