using Preference.Training.Common;
using Preference.Training.Grpo;
using Preference.Training.Tests.Ppo;
using TorchSharp;
using Xunit.Abstractions;

namespace Preference.Training.Tests.Grpo;

public sealed class GrpoTrainerTests(ITestOutputHelper output) : IDisposable
{
    readonly string _straight = Path.Combine(Path.GetTempPath(), "pref-grpo-straight-" + Guid.NewGuid().ToString("N"));
    readonly string _killed = Path.Combine(Path.GetTempPath(), "pref-grpo-killed-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void Beta_zero_loads_no_reference_model_and_beta_above_zero_a_frozen_copy()
    {
        using (var models = GrpoModels.Load(SmallGrpoRun.Config() with { Beta = 0 }, torch.CPU))
        {
            Assert.Null(models.Reference);
            Assert.False(models.HasReference);
        }
        using (var models = GrpoModels.Load(SmallGrpoRun.Config() with { Beta = 0.04 }, torch.CPU))
        {
            Assert.NotNull(models.Reference);
            Assert.NotSame(models.Policy, models.Reference);
            Assert.All(models.Reference!.parameters(), p => Assert.False(p.requires_grad));
        }
    }

    [Fact]
    public async Task Resume_after_stop_gives_identical_losses()
    {
        var config = SmallGrpoRun.Config(steps: 4) with { Beta = 0.04, NumIterations = 2 };
        var straight = SmallGrpoRun.Trainer(config, _straight, out var straightModels);
        using (straightModels) await straight.TrainAsync(resume: false);

        // Stopped after step 3: the last checkpoint is step 2, so step 3's metrics row is dropped and done again.
        var killed = SmallGrpoRun.Trainer(config, _killed, out var killedModels);
        using (killedModels) await SmallPpoRun.StopAfterAsync(3, (progress, stop) => killed.TrainAsync(resume: false, progress, stop));
        Assert.False(Directory.Exists(Path.Combine(_killed, "final")));
        var resumed = SmallGrpoRun.Trainer(config, _killed, out var resumedModels);
        using (resumedModels) await resumed.TrainAsync(resume: true);

        var expected = SmallPpoRun.MetricRows(_straight);
        var actual = SmallPpoRun.MetricRows(_killed);
        Assert.Equal(4, expected.Count);
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++) Assert.Equal(expected[i], actual[i]);
        Assert.All(expected, row => Assert.True(row.ContainsKey("kl") && row.ContainsKey("loss") && row.ContainsKey("grad_norm")));
        Assert.True(File.Exists(Path.Combine(_killed, "final", "config.json")));
    }

    [Fact]
    public async Task Resume_refuses_a_changed_config()
    {
        var config = SmallGrpoRun.Config(steps: 2);
        var first = SmallGrpoRun.Trainer(config, _killed, out var models);
        using (models) await first.TrainAsync(resume: false);

        var changed = SmallGrpoRun.Trainer(config with { Epsilon = 0.1 }, _killed, out var changedModels);
        using (changedModels)
        {
            var error = await Assert.ThrowsAsync<ArgumentException>(() => changed.TrainAsync(resume: true));
            Assert.Contains("changed", error.Message);
        }
    }

    [Fact]
    public async Task Reward_rises_without_a_value_or_reference_model_and_metrics_carry_trl_names()
    {
        var config = SmallGrpoRun.Config(steps: 10);
        var trainer = SmallGrpoRun.Trainer(config, _straight, out var models);
        using (models) await trainer.TrainAsync(resume: false);

        var rewards = SmallPpoRun.Series(_straight, "reward");
        output.WriteLine("reward " + string.Join(" ", rewards.Select(s => s.ToString("0.00"))));
        Assert.True(rewards.TakeLast(3).Average() > rewards.Take(3).Average() + 0.2,
            $"mean reward of the last 3 steps ({rewards.TakeLast(3).Average():0.00}) should beat the first 3 ({rewards.Take(3).Average():0.00}) by 0.2");
        var row = SmallPpoRun.MetricRows(_straight)[0];
        foreach (var name in new[] { "reward", "reward_std", "frac_reward_zero_std", "completions/mean_length", "completions/clipped_ratio",
                     "entropy", "clip_ratio/low_mean", "clip_ratio/high_mean", "clip_ratio/region_mean", "loss", "learning_rate", "grad_norm",
                     "rewards/regex0/mean" })
            Assert.True(row.ContainsKey(name), $"metric {name} is missing");
        Assert.False(row.ContainsKey("kl")); // β = 0: there is no reference to measure KL against
    }

    [Fact]
    public async Task Lora_run_exports_peft_adapters_and_the_merged_model_like_ppo()
    {
        var config = SmallGrpoRun.Config(steps: 2) with
        {
            Beta = 0.04,
            Lora = new Preference.Models.Lora.LoraConfig { Rank = 4, Alpha = 8, TargetModules = ["q_proj", "v_proj"] },
        };
        var trainer = SmallGrpoRun.Trainer(config, _straight, out var models);
        TrainingOutcome result;
        using (models) result = await trainer.TrainAsync(resume: false);

        Assert.Equal(Path.Combine(_straight, "final", "merged"), result.MergedDirectory);
        Assert.True(File.Exists(Path.Combine(_straight, "final", "adapter_config.json")));
        Assert.True(File.Exists(Path.Combine(_straight, "final", "adapter_model.safetensors")));
        Assert.True(File.Exists(Path.Combine(_straight, "final", "merged", "config.json")));
        Assert.True(Directory.EnumerateFiles(Path.Combine(_straight, "checkpoints"), "policy_adapters.safetensors", SearchOption.AllDirectories).Any());
    }

    [Fact]
    public async Task Warns_when_most_groups_have_no_reward_spread()
    {
        // A keyword the model never writes: every group's rewards are all 0, so nothing can be learned.
        var config = SmallGrpoRun.Config(steps: 1) with { Rewards = [new() { Kind = "keyword", Keyword = "xylophone" }] };
        var warnings = new StringWriter();
        using var models = GrpoModels.Load(config, torch.CPU);
        var trainer = new GrpoTrainer(config, models, Preference.Training.Rewards.RewardSources.Build(config.Rewards), config.Prompts,
            new RunDirectory(_straight)) { Warnings = warnings };
        await trainer.TrainAsync(resume: false);

        var row = SmallPpoRun.MetricRows(_straight).Single();
        Assert.Equal(1, row["frac_reward_zero_std"]);
        Assert.Equal(1, row["warnings/zero_reward_spread"]);
        Assert.Equal(0, row["loss"], 6);
        Assert.Contains("have the same reward for every completion", warnings.ToString());
    }

    public void Dispose()
    {
        foreach (var directory in new[] { _straight, _killed })
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
    }
}
