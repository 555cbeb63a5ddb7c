using Preference.Cli.Pipeline;

namespace Preference.Cli.Tests.Pipeline;

public sealed class QuickstartResumeTests : IDisposable
{
    readonly TinyQuickstart _quickstart = new(ppoSteps: 4);

    [Fact]
    public async Task A_run_stopped_mid_ppo_resumes_from_its_checkpoint_and_skips_finished_stages()
    {
        var stopped = await _quickstart.RunAsync("--stop-after-ppo-step", "2");
        Assert.True(stopped.ExitCode == 0, stopped.Stdout + stopped.Stderr);
        Assert.Contains("stopped after step 2", stopped.Stdout);
        Assert.False(new StageLedger(_quickstart.RunDirectory).Read()["ppo"].Done);
        var candidates = File.ReadAllText(Path.Combine(_quickstart.RunDirectory, "generate/candidates.jsonl"));

        var resumed = await _quickstart.RunAsync();
        Assert.True(resumed.ExitCode == 0, resumed.Stdout + resumed.Stderr);
        foreach (var stage in new[] { "generate", "campaign", "rank", "export", "reward" })
            Assert.Contains($"{stage}: done earlier with the same inputs, skipped", resumed.Stdout);
        Assert.Contains("ppo: resuming", resumed.Stdout);
        Assert.DoesNotContain("ppo: step 1/", resumed.Stdout);
        Assert.Contains("ppo: step 3/4", resumed.Stdout);
        Assert.Equal(candidates, File.ReadAllText(Path.Combine(_quickstart.RunDirectory, "generate/candidates.jsonl")));
        // Every step appears once in the metrics: the resumed run neither repeats nor loses any.
        var steps = MetricsSeries.Read(Path.Combine(_quickstart.RunDirectory, "ppo/metrics.jsonl"), "objective/scores").Select(p => p.Step);
        Assert.Equal([1, 2, 3, 4], steps);
        Assert.True(new StageLedger(_quickstart.RunDirectory).Read()["report"].Done);
    }

    [Fact]
    public async Task Changed_inputs_of_a_finished_stage_are_refused_and_nothing_is_overwritten()
    {
        var first = await _quickstart.RunAsync("--stop-after-ppo-step", "1");
        Assert.True(first.ExitCode == 0, first.Stdout + first.Stderr);
        var ledger = File.ReadAllText(Path.Combine(_quickstart.RunDirectory, StageLedger.FileName));
        var pairs = File.ReadAllText(Path.Combine(_quickstart.RunDirectory, "export/pairs.jsonl"));

        var changed = await _quickstart.RunAsync("--set", "rm.num_train_epochs=3");
        Assert.Equal(1, changed.ExitCode);
        var line = Assert.Single(changed.Stderr.Trim().Split('\n'));
        Assert.Contains("stage reward: its inputs changed", line);
        Assert.Equal(ledger, File.ReadAllText(Path.Combine(_quickstart.RunDirectory, StageLedger.FileName)));
        Assert.Equal(pairs, File.ReadAllText(Path.Combine(_quickstart.RunDirectory, "export/pairs.jsonl")));
    }

    public void Dispose() => _quickstart.Dispose();
}
