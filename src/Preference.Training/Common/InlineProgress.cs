namespace Preference.Training.Common;

/// <summary>
/// Progress that calls back on the training thread, in step order: Progress&lt;T&gt; posts to the thread pool, too late
/// to log a step in order or to stop a run at a step.
/// </summary>
public sealed class InlineProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
{
    public void Report(TrainingProgress value) => report(value);
}
