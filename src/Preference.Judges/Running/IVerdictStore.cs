namespace Preference.Judges.Running;

/// <summary>Where a judge run records verdicts, and what makes it resumable: the tasks a judge has already done.</summary>
public interface IVerdictStore
{
    /// <summary>Task ids that already have a verdict (ranking or failure) from the named judge.</summary>
    Task<IReadOnlySet<string>> JudgedTaskIdsAsync(string judgeName, CancellationToken cancellationToken = default);

    /// <summary>Records one verdict durably before returning, so a kill right after loses nothing.</summary>
    Task SaveAsync(VerdictRecord record, CancellationToken cancellationToken = default);
}
