using Preference.Core.Agreement;

namespace Preference.Server.Endpoints;

/// <summary>
/// Inter-annotator agreement of a campaign, computed on every pair of responses each task showed
/// (label first/tie/second). A statistic that is undefined for the data (one annotator, no overlap) is null.
/// </summary>
public sealed record AgreementReport(
    int Items, IReadOnlyList<string> Annotators, double? PercentAgreement, double? FleissKappa, double? KrippendorffAlphaOrdinal,
    IReadOnlyList<RaterAgreement> PerAnnotatorVsConsensus, IReadOnlyList<PairwiseKappa> CohensKappa);

public sealed record PairwiseKappa(string A, string B, double? Kappa);
