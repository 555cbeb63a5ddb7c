namespace Preference.Judges.PositionBias;

/// <summary>What to do when showing the responses in the other order changes a judge's verdict.</summary>
public enum OrderDisagreement
{
    /// <summary>Keep a preference only if both orders agree on it; anything else becomes a tie (conservative, the default).</summary>
    Tie,

    /// <summary>Rank by the mean position over both orders, so "A better" in one order and "tie" in the other still prefers A.</summary>
    MeanRank,

    /// <summary>Record the task as failed: use when a flip should send the task to a human.</summary>
    Fail,
}
