namespace Preference.Core.Aggregation;

public enum AggregationMethod
{
    /// <summary>Each pair goes to the side most annotators preferred; an even split gives no pair.</summary>
    Majority,
    /// <summary>Fit Bradley–Terry strengths to all annotators' pairwise outcomes; pairs follow the fitted order.</summary>
    BradleyTerry,
}
