using Preference.Cli.Configuration;
using Preference.Cli.Pipeline;
using Preference.Cli.Serving;
using Preference.Training.Common;
using Preference.Training.Ppo;
using Preference.Training.Reward.Training;
using Preference.Training.Rewards;

namespace Preference.Cli.Tests.Configuration;

public sealed class StageConfigFileTests : IDisposable
{
    readonly string _path = Path.Combine(Path.GetTempPath(), $"pref-config-{Guid.NewGuid():N}.yaml");

    [Fact]
    public void Reads_a_section_with_snake_case_keys_and_enum_names()
    {
        File.WriteAllText(_path, "opt:\n  learning_rate: 0.01\n  schedule: cosine\n  warmup_steps: 3\nother:\n  x: 1\n");
        var config = StageConfigFile.Load<OptimizerConfig>(_path, "opt", []);
        Assert.Equal(0.01, config.LearningRate);
        Assert.Equal(LearningRateScheduleKind.Cosine, config.Schedule);
        Assert.Equal(3, config.WarmupSteps);
    }

    [Fact]
    public void Set_overrides_win_over_the_file_and_other_sections_overrides_are_ignored()
    {
        File.WriteAllText(_path, "opt:\n  learning_rate: 0.01\n");
        var config = StageConfigFile.Load<OptimizerConfig>(_path, "opt", ["opt.learning_rate=0.5", "ppo.kl_coef=0.1"]);
        Assert.Equal(0.5, config.LearningRate);
    }

    [Fact]
    public void An_unknown_key_names_the_file_section_and_key()
    {
        File.WriteAllText(_path, "opt:\n  learning_rat: 0.01\n");
        var error = Assert.Throws<CliException>(() => StageConfigFile.Load<OptimizerConfig>(_path, "opt", []));
        Assert.Contains(_path, error.Message);
        Assert.Contains("'learning_rat'", error.Message);
    }

    [Fact]
    public void An_invalid_value_names_the_key_and_the_rule()
    {
        File.WriteAllText(_path, "opt:\n  learning_rate: -1\n");
        var error = Assert.Throws<CliException>(() => StageConfigFile.Load<OptimizerConfig>(_path, "opt", []));
        Assert.Contains("opt.learning_rate must be positive", error.Message);
    }

    [Fact]
    public void A_value_of_the_wrong_type_is_an_error_not_a_default()
    {
        File.WriteAllText(_path, "opt:\n  warmup_steps: lots\n");
        var error = Assert.Throws<CliException>(() => StageConfigFile.Load<OptimizerConfig>(_path, "opt", []));
        Assert.Contains("opt", error.Message);
    }

    [Fact]
    public void Set_takes_a_flow_list_for_a_list_setting()
    {
        File.WriteAllText(_path, "quickstart:\n  prompts: [from the file]\n  heldout_prompts: [kept]\n");
        var settings = StageConfigFile.Load<QuickstartSettings>(_path, "quickstart",
            ["quickstart.prompts=[\"Tom: a dog.\", 'Sue, happy!', plain]"]);
        Assert.Equal(["Tom: a dog.", "Sue, happy!", "plain"], settings.Prompts);
        Assert.Equal(["kept"], settings.HeldoutPrompts);
    }

    [Fact]
    public void Set_takes_a_flow_list_of_mappings()
    {
        File.WriteAllText(_path, "ppo:\n  prompts: [a]\n");
        var ppo = StageConfigFile.Load<PpoConfig>(_path, "ppo",
            ["ppo.rewards=[{kind: reward_model, name: learned, path: reward/final}, {kind: length, name: short, weight: 0.5}]"]);
        Assert.Equal(["reward_model", "length"], ppo.Rewards.Select(r => r.Kind));
        Assert.Equal("reward/final", ppo.Rewards[0].Path);
        Assert.Equal(0.5, ppo.Rewards[1].Weight);
    }

    [Fact]
    public void Set_takes_a_quoted_scalar_without_its_quotes_and_a_plain_one_literally()
    {
        var settings = StageConfigFile.Load<QuickstartSettings>(null, "quickstart",
            ["quickstart.prompts=[a]", "quickstart.heldout_prompts=[b]", "quickstart.judge=\"configs/judge.yaml\""]);
        Assert.Equal("configs/judge.yaml", settings.Judge);
        var literal = Assert.Throws<CliException>(() => StageConfigFile.Load<QuickstartSettings>(null, "quickstart", ["quickstart.seed=3 # not a comment"]));
        Assert.Contains("quickstart.seed", literal.Message);
    }

    [Fact]
    public void A_malformed_list_in_set_names_the_key()
    {
        var error = Assert.Throws<CliException>(() => StageConfigFile.Load<QuickstartSettings>(null, "quickstart",
            ["quickstart.prompts=[\"a\", \"b\""]));
        Assert.StartsWith("--set: quickstart.prompts: ", error.Message);
    }

    [Fact]
    public void A_scalar_for_a_list_setting_names_the_key()
    {
        var error = Assert.Throws<CliException>(() => StageConfigFile.Load<QuickstartSettings>(null, "quickstart",
            ["quickstart.heldout_prompts=[b]", "quickstart.prompts=just one"]));
        Assert.StartsWith("(defaults): quickstart.prompts: ", error.Message);
    }

    [Fact]
    public void A_list_for_a_scalar_setting_names_the_nested_key()
    {
        File.WriteAllText(_path, "rm:\n  train_file: pairs.jsonl\n  scratch:\n    layers: 2\n");
        var error = Assert.Throws<CliException>(() => StageConfigFile.Load<RewardConfig>(_path, "rm", ["rm.scratch.layers=[1, 2]"]));
        Assert.StartsWith($"{_path}: rm.scratch.layers: ", error.Message);
    }

    [Theory]
    [InlineData("epochs", "num_train_epochs")]
    [InlineData("eval_every_steps", "eval_steps")]
    [InlineData("frozen_layers", "freeze_layers")]
    [InlineData("batch_size", "per_device_train_batch_size")]
    [InlineData("learning_rate", "optimizer.learning_rate")]
    [InlineData("warmup_fraction", "optimizer.warmup_ratio")]
    public void A_renamed_key_is_an_error_that_gives_the_new_name(string old, string current)
    {
        File.WriteAllText(_path, $"rm:\n  train_file: pairs.jsonl\n  {old}: 2\n");
        var error = Assert.Throws<CliException>(() => StageConfigFile.Load<RewardConfig>(_path, "rm", []));
        Assert.Equal($"{_path}: rm.{old}: '{old}' was renamed to '{current}'", error.Message);
    }

    [Fact]
    public void The_quickstarts_old_reward_settings_say_where_they_moved()
    {
        File.WriteAllText(_path, "quickstart:\n  prompts: [a]\n  heldout_prompts: [b]\n  reward:\n    num_train_epochs: 2\n");
        var error = Assert.Throws<CliException>(() => StageConfigFile.Load<QuickstartSettings>(_path, "quickstart", []));
        Assert.Equal($"{_path}: quickstart.reward: 'reward' moved: the quickstart's reward model reads the top-level rm: section", error.Message);
    }

    [Fact]
    public void A_reward_config_problem_names_the_file_and_the_key()
    {
        File.WriteAllText(_path, "rm:\n  train_file: pairs.jsonl\n  validation_fraction: 0.7\n");
        var error = Assert.Throws<CliException>(() => StageConfigFile.Load<RewardConfig>(_path, "rm", []));
        Assert.StartsWith($"{_path}: rm.validation_fraction must be above 0 and below 0.5", error.Message);

        var missing = Assert.Throws<CliException>(() => StageConfigFile.Load<RewardConfig>(null, "rm", ["rm.scratch.vocab_size=10"]));
        Assert.Equal("(defaults): rm.train_file is required", missing.Message);

        var scratch = Assert.Throws<CliException>(() => StageConfigFile.Load<RewardConfig>(null, "rm", ["rm.train_file=p.jsonl", "rm.scratch.vocab_size=10"]));
        Assert.Equal("(defaults): rm.scratch.vocab_size must be at least 300", scratch.Message);
    }

    [Fact]
    public void Reward_settings_share_every_stages_keys_and_keep_their_own_defaults()
    {
        File.WriteAllText(_path, "rm:\n  train_file: pairs.jsonl\n  num_train_epochs: 2\n  freeze_layers: 1\n  optimizer:\n    weight_decay: 0.3\n");
        var config = StageConfigFile.Load<RewardConfig>(_path, "rm", ["rm.eval_steps=7", "rm.per_device_train_batch_size=4"]);
        Assert.Equal((2, 1, 7, 4), (config.NumTrainEpochs, config.FreezeLayers, config.EvalSteps, config.PerDeviceTrainBatchSize));
        Assert.Equal(0.3, config.Optimizer.WeightDecay);
        Assert.Equal(4, StageConfigFile.Load<RewardConfig>(null, "rm", ["rm.train_file=p.jsonl"]).EarlyStoppingPatience);
        Assert.Equal(1e-3, StageConfigFile.Load<RewardConfig>(null, "rm", ["rm.train_file=p.jsonl"]).Optimizer.LearningRate);
    }

    public void Dispose() => File.Delete(_path);
}
