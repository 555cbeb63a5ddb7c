namespace Preference.Store.Queue;

/// <summary>
/// Open tasks ordered so that tasks already ranked by someone (short of their overlap) come first: finishing
/// started tasks gives usable multi-annotator data sooner than spreading one ranking over every task. Among tasks
/// equally far along, the campaign's queue order decides (<see cref="TaskState.Priority"/>), then import order.
/// </summary>
internal sealed class OpenTaskOrder : IComparer<TaskState>
{
    public static OpenTaskOrder Instance { get; } = new();

    public int Compare(TaskState? x, TaskState? y)
    {
        if (ReferenceEquals(x, y)) return 0;
        int byProgress = y!.Submitted.Count.CompareTo(x!.Submitted.Count);
        if (byProgress != 0) return byProgress;
        int byPriority = x.Priority.CompareTo(y.Priority);
        return byPriority != 0 ? byPriority : x.Task.Sequence.CompareTo(y.Task.Sequence);
    }
}
