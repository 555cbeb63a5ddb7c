namespace Preference.Cli.Tests.Pipeline;

public sealed class QuickstartInputTests : IDisposable
{
    readonly TinyQuickstart _quickstart = new();

    [Fact]
    public async Task An_unknown_setting_is_one_error_line_naming_the_key_and_creates_no_run()
    {
        var result = await _quickstart.RunAsync("--set", "quickstart.candidates=4");
        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.Stderr.Trim().Split('\n'));
        Assert.Contains("unknown key 'candidates'", line);
        Assert.False(Directory.Exists(_quickstart.RunDirectory));
    }

    [Fact]
    public async Task An_invalid_value_names_the_section_and_key()
    {
        var result = await _quickstart.RunAsync("--set", "quickstart.candidates_per_prompt=12");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("quickstart.candidates_per_prompt: must be 2..9", result.Stderr);
    }

    [Fact]
    public async Task The_reward_model_is_checked_as_pref_rm_train_checks_it_before_anything_runs()
    {
        var result = await _quickstart.RunAsync("--set", "rm.validation_fraction=0.9");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"{_quickstart.ConfigFile}: rm.validation_fraction must be above 0 and below 0.5", result.Stderr);
        Assert.False(Directory.Exists(_quickstart.RunDirectory));
    }

    [Fact]
    public async Task An_override_of_a_section_the_quickstart_does_not_read_is_refused()
    {
        var result = await _quickstart.RunAsync("--set", "sft.num_train_epochs=3");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--set: 'sft.num_train_epochs=3' must start with quickstart., rm., ppo., dpo. or grpo.", result.Stderr);
    }

    [Fact]
    public async Task A_malformed_list_override_is_one_error_line_naming_the_key_and_creates_no_run()
    {
        var result = await _quickstart.RunAsync("--set", "ppo.prompts=[\"Tom had a dog.\", \"Sue was happy.\"");
        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.Stderr.Trim().Split('\n'));
        Assert.Contains("--set: ppo.prompts: ", line);
        Assert.False(Directory.Exists(_quickstart.RunDirectory));
    }

    public void Dispose() => _quickstart.Dispose();
}
