namespace Preference.Training.Tests.Ppo;

public sealed class PpoResumeTests : IDisposable
{
    readonly string _straight = Path.Combine(Path.GetTempPath(), "pref-ppo-straight-" + Guid.NewGuid().ToString("N"));
    readonly string _killed = Path.Combine(Path.GetTempPath(), "pref-ppo-killed-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Resume_after_kill_gives_identical_metrics()
    {
        var config = SmallPpoRun.Config(steps: 5) with { SaveSteps = 2, Rewards = SmallPpoRun.Config().Rewards, AdaptiveKl = true, KlHorizon = 100 };
        var straight = SmallPpoRun.Trainer(config, _straight, out var straightModels);
        using (straightModels) await straight.TrainAsync(resume: false);

        // "Killed" after step 3: the last checkpoint is step 2, and step 3's metrics row must be dropped and redone.
        var killed = SmallPpoRun.Trainer(config, _killed, out var killedModels);
        using (killedModels) await SmallPpoRun.StopAfterAsync(3, (progress, stop) => killed.TrainAsync(resume: false, progress, stop));
        var resumed = SmallPpoRun.Trainer(config, _killed, out var resumedModels);
        using (resumedModels) await resumed.TrainAsync(resume: true);

        var expected = SmallPpoRun.MetricRows(_straight);
        var actual = SmallPpoRun.MetricRows(_killed);
        Assert.Equal(5, expected.Count);
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
            Assert.Equal(expected[i], actual[i]);
        Assert.NotEqual(expected[2]["objective/kl_coef"], expected[4]["objective/kl_coef"]); // the adaptive β was restored, not reset
    }

    [Fact]
    public async Task Resume_refuses_a_changed_config()
    {
        var config = SmallPpoRun.Config(steps: 2);
        var first = SmallPpoRun.Trainer(config, _killed, out var models);
        using (models) await first.TrainAsync(resume: false);

        var changed = SmallPpoRun.Trainer(config with { KlCoef = 0.5 }, _killed, out var changedModels);
        using (changedModels)
        {
            var error = await Assert.ThrowsAsync<ArgumentException>(() => changed.TrainAsync(resume: true));
            Assert.Contains("changed", error.Message);
        }
    }

    public void Dispose()
    {
        foreach (var directory in new[] { _straight, _killed })
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
    }
}
