using Preference.Models.Lora;

namespace Preference.Training.Tests.Ppo;

public sealed class PpoConfigTests
{
    [Fact]
    public void Lora_with_a_separate_reference_is_refused_naming_the_key()
    {
        var config = SmallPpoRun.LoraConfig() with { Reference = "other.bin" };
        Assert.Contains(config.Problems(), p => p.StartsWith("reference:", StringComparison.Ordinal));
    }

    [Fact]
    public void Lora_settings_are_checked_under_the_lora_key()
    {
        var config = SmallPpoRun.Config() with { Lora = new LoraConfig { Rank = 0 } };
        Assert.Contains(config.Problems(), p => p.StartsWith("lora.rank", StringComparison.Ordinal));
    }

    [Fact]
    public void A_shared_value_trunk_and_a_value_model_path_are_refused_together()
    {
        var config = SmallPpoRun.Config() with { SharedValueTrunk = true, ValueModel = "runs/rm/final" };
        Assert.Contains(config.Problems(), p => p.StartsWith("shared_value_trunk:", StringComparison.Ordinal));
    }

    [Fact]
    public void Max_steps_when_set_replaces_the_steps_total_episodes_give()
    {
        Assert.Equal(10, SmallPpoRun.Config(steps: 10).TotalSteps);
        Assert.Equal(3, (SmallPpoRun.Config(steps: 10) with { MaxSteps = 3 }).TotalSteps);
    }

    [Fact]
    public void Shared_training_keys_that_online_runs_cannot_honour_are_refused_naming_the_key()
    {
        Assert.Contains((SmallPpoRun.Config() with { DisableDropout = false }).Problems(), p => p.StartsWith("disable_dropout:", StringComparison.Ordinal));
        Assert.Contains((SmallPpoRun.Config() with { NumTrainEpochs = 3 }).Problems(), p => p.StartsWith("num_train_epochs:", StringComparison.Ordinal));
        Assert.Contains((SmallPpoRun.Config() with { EarlyStoppingPatience = 2 }).Problems(), p => p.StartsWith("early_stopping_patience:", StringComparison.Ordinal));
        Assert.Contains((SmallPpoRun.Config() with { SaveSteps = 0 }).Problems(), p => p.StartsWith("save_steps", StringComparison.Ordinal));
    }

    [Fact]
    public void The_small_runs_configs_are_valid()
    {
        Assert.Empty(SmallPpoRun.Config().Problems());
        Assert.Empty(SmallPpoRun.LoraConfig().Problems());
    }
}
