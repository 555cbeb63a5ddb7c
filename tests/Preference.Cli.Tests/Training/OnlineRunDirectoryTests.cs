namespace Preference.Cli.Tests.Training;

/// <summary>
/// `pref ppo` and `pref grpo` claim their run directory through the training loop as every stage does: a directory
/// holding another run is refused unless --resume, and --resume refuses inputs other than the run's own.
/// </summary>
public sealed class OnlineRunDirectoryTests : IDisposable
{
    readonly string directory = Directory.CreateTempSubdirectory("online-run-").FullName;

    static string[] Ppo(params string[] extra) =>
    [
        "ppo", "--set", "ppo.prompts=['Tim went to the park.', 'Lily had a red ball.']", "--set", "ppo.rewards=[{kind: keyword, keyword: she}]",
        "--set", "ppo.total_episodes=4", "--set", "ppo.per_device_train_batch_size=2", "--set", "ppo.num_ppo_epochs=1",
        "--set", "ppo.response_length=4", "--set", "ppo.save_steps=1", "--threads", "1", .. extra,
    ];

    static string[] Grpo(params string[] extra) =>
    [
        "grpo", "--set", "grpo.prompts=['Tim went to the park.', 'Lily had a red ball.']", "--set", "grpo.rewards=[{kind: keyword, keyword: she}]",
        "--set", "grpo.max_steps=1", "--set", "grpo.per_device_train_batch_size=2", "--set", "grpo.num_generations=2",
        "--set", "grpo.max_completion_length=4", "--threads", "1", .. extra,
    ];

    /// <summary>A finished one-step PPO run: its directory and its metrics.jsonl as written.</summary>
    async Task<(string Run, string Metrics)> FinishedPpoRunAsync()
    {
        var run = Path.Combine(directory, "run");
        var first = await PrefProcess.RunAsync(Ppo("--output", run));
        Assert.True(first.ExitCode == 0, first.Stderr);
        return (run, File.ReadAllText(Path.Combine(run, "metrics.jsonl")));
    }

    [Fact]
    public async Task Ppo_refuses_a_directory_holding_another_run_unless_resuming()
    {
        var (run, metrics) = await FinishedPpoRunAsync();

        var again = await PrefProcess.RunAsync(Ppo("--output", run));
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("already holds a ppo run; pass --resume", Assert.Single(again.Stderr.Trim().Split('\n')));
        var grpo = await PrefProcess.RunAsync(Grpo("--output", run));
        Assert.Equal(1, grpo.ExitCode);
        Assert.Contains("already holds a ppo run", grpo.Stderr);
        var grpoResume = await PrefProcess.RunAsync(Grpo("--output", run, "--resume"));
        Assert.Equal(1, grpoResume.ExitCode);
        Assert.Contains("holds a ppo run, not a grpo run", grpoResume.Stderr);
        Assert.Equal(metrics, File.ReadAllText(Path.Combine(run, "metrics.jsonl")));
    }

    [Fact]
    public async Task Ppo_resume_refuses_changed_inputs_and_keeps_the_run()
    {
        var (run, metrics) = await FinishedPpoRunAsync();

        var changed = await PrefProcess.RunAsync(Ppo("--output", run, "--resume", "--set", "ppo.kl_coef=0.5"));
        Assert.Equal(1, changed.ExitCode);
        Assert.Contains("different config or data", Assert.Single(changed.Stderr.Trim().Split('\n')));
        Assert.Equal(metrics, File.ReadAllText(Path.Combine(run, "metrics.jsonl")));
    }

    [Fact]
    public async Task Grpo_resume_of_an_empty_directory_and_of_changed_prompts_is_refused()
    {
        var run = Path.Combine(directory, "run");
        var empty = await PrefProcess.RunAsync(Grpo("--output", run, "--resume"));
        Assert.Equal(1, empty.ExitCode);
        Assert.Contains("holds no checkpoint to continue from", empty.Stderr);

        Assert.Equal(0, (await PrefProcess.RunAsync(Grpo("--output", run))).ExitCode);
        var changed = await PrefProcess.RunAsync(Grpo("--output", run, "--resume", "--set", "grpo.prompts=['Sam saw a dog.', 'Mia ran home.']"));
        Assert.Equal(1, changed.ExitCode);
        Assert.Contains("different config or data", changed.Stderr);
    }

    public void Dispose()
    {
        try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
    }
}
