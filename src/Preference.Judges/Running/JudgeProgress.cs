namespace Preference.Judges.Running;

/// <summary>Where a judge run stands; reported after every task.</summary>
/// <param name="Total">Tasks in the run, when known up front.</param>
/// <param name="Skipped">Tasks already judged by this judge in an earlier run.</param>
/// <param name="Flipped">Verdicts that changed when the responses were shown in the other order.</param>
public sealed record JudgeProgress(int? Total, int Judged, int Skipped, int Failed, int Flipped)
{
    public int Done => Judged + Skipped;
}
