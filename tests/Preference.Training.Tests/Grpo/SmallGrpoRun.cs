using Preference.Training.Common;
using Preference.Training.Grpo;
using Preference.Training.Rewards;
using Preference.Training.Tests.Ppo;
using TorchSharp;

namespace Preference.Training.Tests.Grpo;

/// <summary>
/// A GRPO run on the bundled stories260K small enough for CI: the reward and prompts of <see cref="SmallPpoRun"/>
/// ("she"/"her" in the continuation), 4 prompts × 4 completions of 16 tokens per step.
/// </summary>
static class SmallGrpoRun
{
    public static GrpoConfig Config(int steps = 10) => new()
    {
        Prompts = [.. SmallPpoRun.Prompts],
        MaxSteps = steps,
        PerDeviceTrainBatchSize = 8,
        NumGenerations = 4,
        MaxCompletionLength = 16,
        Temperature = 1.0,
        Seed = 7,
        SaveSteps = 2,
        SampleSteps = 0,
        LossType = GrpoLossType.Dapo,
        Optimizer = new OptimizerConfig { LearningRate = 5e-4, GradientAccumulationSteps = 2, Schedule = LearningRateScheduleKind.Constant },
        Rewards = [new RewardSpec { Kind = "regex", Pattern = @"\b(she|her)\b" }],
    };

    public static GrpoTrainer Trainer(GrpoConfig config, string directory, out GrpoModels models)
    {
        // One thread: under a loaded CI box, two OpenMP threads waiting on each other run many times slower.
        torch.set_num_threads(1);
        models = GrpoModels.Load(config, torch.CPU);
        return new GrpoTrainer(config, models, RewardSources.Build(config.Rewards), config.Prompts, new RunDirectory(directory));
    }
}
