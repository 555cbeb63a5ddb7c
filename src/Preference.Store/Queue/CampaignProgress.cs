namespace Preference.Store.Queue;

/// <summary>How far a campaign is: tasks done (reached overlap), annotations in total and per annotator.</summary>
public sealed record CampaignProgress(
    string CampaignId, int Tasks, int TasksDone, int Annotations, IReadOnlyDictionary<string, int> PerAnnotator);
