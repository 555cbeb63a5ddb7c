namespace Preference.Store.Queue;

/// <summary>
/// Open tasks ordered so that tasks already ranked by someone (short of their overlap) come first: finishing
/// started tasks gives usable multi-annotator data sooner than spreading one ranking over every task.
/// </summary>
internal sealed class QueueOrder : IComparer<TaskState>
{
    public static QueueOrder Instance { get; } = new();

    public int Compare(TaskState? x, TaskState? y)
    {
        if (ReferenceEquals(x, y)) return 0;
        int byProgress = y!.Submitted.Count.CompareTo(x!.Submitted.Count);
        return byProgress != 0 ? byProgress : x.Task.Sequence.CompareTo(y.Task.Sequence);
    }
}
