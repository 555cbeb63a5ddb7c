using Preference.Training.Ppo;

namespace Preference.Training.Tests.Ppo;

/// <summary>
/// The LoRA runs the LoRA specifications read, trained once for all of them: a straight 5-step run to its export, and
/// the same run killed after step 3 (last checkpoint: step 2), whose models stay loaded, then resumed to the end.
/// </summary>
public sealed class LoraPpoRuns : IAsyncLifetime
{
    public const int Steps = 5;

    public string Straight { get; } = Path.Combine(Path.GetTempPath(), "pref-ppo-lora-straight-" + Guid.NewGuid().ToString("N"));
    public string Killed { get; } = Path.Combine(Path.GetTempPath(), "pref-ppo-lora-killed-" + Guid.NewGuid().ToString("N"));
    public PpoConfig Config { get; } = SmallPpoRun.LoraConfig(Steps) with { SaveSteps = 2 };

    /// <summary>The killed run's models as they were after step 3: adapters trained, not merged.</summary>
    public PpoModels KilledModels { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var straight = SmallPpoRun.Trainer(Config, Straight, out var straightModels);
        using (straightModels) await straight.TrainAsync(resume: false);

        var killed = SmallPpoRun.Trainer(Config, Killed, out var killedModels);
        KilledModels = killedModels;
        await SmallPpoRun.StopAfterAsync(3, (progress, stop) => killed.TrainAsync(resume: false, progress, stop));

        var resumed = SmallPpoRun.Trainer(Config, Killed, out var resumedModels);
        using (resumedModels) await resumed.TrainAsync(resume: true);
    }

    public Task DisposeAsync()
    {
        KilledModels?.Dispose();
        foreach (var directory in new[] { Straight, Killed })
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        return Task.CompletedTask;
    }
}
