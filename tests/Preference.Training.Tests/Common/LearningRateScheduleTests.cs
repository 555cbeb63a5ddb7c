using Preference.Training.Common;

namespace Preference.Training.Tests.Common;

public class LearningRateScheduleTests
{
    [Fact]
    public void Warmup_rises_linearly_then_linear_decay_reaches_zero_at_the_last_step()
    {
        var schedule = new LearningRateSchedule(new OptimizerConfig { LearningRate = 1.0, WarmupSteps = 4 }, totalSteps: 14);
        Assert.Equal(0.25, schedule.At(0), 12);
        Assert.Equal(1.0, schedule.At(3), 12);
        Assert.Equal(1.0, schedule.At(4), 12);
        Assert.Equal(0.5, schedule.At(9), 12);
        Assert.Equal(0.0, schedule.At(14), 12);
    }

    [Fact]
    public void Cosine_is_half_way_down_at_half_of_the_decay()
    {
        var schedule = new LearningRateSchedule(new OptimizerConfig { LearningRate = 2.0, Schedule = LearningRateScheduleKind.Cosine }, totalSteps: 10);
        Assert.Equal(2.0, schedule.At(0), 12);
        Assert.Equal(1.0, schedule.At(5), 12);
        Assert.Equal(0.0, schedule.At(10), 12);
    }

    [Fact]
    public void Warmup_ratio_is_used_when_no_warmup_steps_are_given()
    {
        var schedule = new LearningRateSchedule(new OptimizerConfig { WarmupRatio = 0.1 }, totalSteps: 95);
        Assert.Equal(10, schedule.WarmupSteps);
    }
}
