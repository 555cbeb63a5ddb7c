using Preference.Cli.Configuration;
using Preference.Cli.Serving;
using Preference.Training.Common;

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

    public void Dispose() => File.Delete(_path);
}
