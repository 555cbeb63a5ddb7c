using Xunit.Abstractions;

namespace Preference.Training.Tests.Ppo;

public sealed class PpoLearningTests(ITestOutputHelper output) : IDisposable
{
    readonly string _directory = Path.Combine(Path.GetTempPath(), "pref-ppo-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Reward_rises_while_kl_stays_bounded()
    {
        var config = SmallPpoRun.Config(steps: 10);
        var trainer = SmallPpoRun.Trainer(config, _directory, out var models);
        using (models) await trainer.TrainAsync(resume: false);

        var scores = SmallPpoRun.Series(_directory, "objective/scores");
        var kl = SmallPpoRun.Series(_directory, "objective/kl");
        output.WriteLine("scores " + string.Join(" ", scores.Select(s => s.ToString("0.00"))));
        output.WriteLine("kl     " + string.Join(" ", kl.Select(s => s.ToString("0.00"))));
        Assert.True(scores.TakeLast(3).Average() > scores.Take(3).Average() + 0.25,
            $"mean score of the last 3 steps ({scores.TakeLast(3).Average():0.00}) should beat the first 3 ({scores.Take(3).Average():0.00}) by 0.25");
        Assert.All(kl, value => Assert.InRange(value, -1, 15));
    }

    [Fact]
    public async Task Flipped_advantage_sign_does_not_raise_the_reward()
    {
        var config = SmallPpoRun.Config(steps: 10);
        var trainer = SmallPpoRun.Trainer(config, _directory, out var models, advantageSign: -1);
        using (models) await trainer.TrainAsync(resume: false);

        var scores = SmallPpoRun.Series(_directory, "objective/scores");
        output.WriteLine("scores " + string.Join(" ", scores.Select(s => s.ToString("0.00"))));
        foreach (var phase in new[] { "time/generate", "time/score", "time/train", "objective/kl" })
            output.WriteLine(phase + " " + string.Join(" ", SmallPpoRun.Series(_directory, phase).Select(s => s.ToString("0.00"))));
        Assert.True(scores.TakeLast(3).Average() <= scores.Take(3).Average() + 0.05);
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }
}
