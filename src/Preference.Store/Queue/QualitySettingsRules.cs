using Preference.Core.Domain;
using Preference.Store.Errors;

namespace Preference.Store.Queue;

/// <summary>What makes a campaign's quality settings and a gold ranking acceptable; each failure names the field.</summary>
public static class QualitySettingsRules
{
    public static void Validate(Campaign campaign)
    {
        Share(campaign.GoldRate, "goldRate");
        Share(campaign.SuggestionHoldout, "suggestionHoldout");
        if (campaign.ReviewThreshold is { } threshold) Share(threshold, "reviewThreshold");
        if (!Enum.IsDefined(campaign.QueueOrder))
            throw new StoreValidationException("queueOrder", "must be sequence, random, uncertainty or judgeDisagreement");
        if (campaign.QueueOrder == QueueOrder.JudgeDisagreement && campaign.SuggestionJudgeId is null)
            throw new StoreValidationException("queueOrder", "judgeDisagreement compares the suggestion judge's rankings with the reward model's scores; set suggestionJudgeId");
    }

    /// <summary>
    /// Checks a gold ranking given as tiers of indices into <paramref name="completions"/> completions: every index
    /// exactly once. Returns the problem, or null.
    /// </summary>
    public static string? GoldIndices(IReadOnlyList<IReadOnlyList<int>> tiers, int completions)
    {
        if (tiers.Count == 0) return "ranking is empty";
        var seen = new HashSet<int>();
        foreach (var tier in tiers)
        {
            if (tier.Count == 0) return "ranking has an empty tier";
            foreach (var index in tier)
            {
                if (index < 0 || index >= completions) return $"index {index} is not one of the {completions} completions (0..{completions - 1})";
                if (!seen.Add(index)) return $"index {index} is ranked more than once";
            }
        }
        return seen.Count == completions ? null : $"ranks {seen.Count} of the {completions} completions; rank every one";
    }

    private static void Share(double value, string field)
    {
        if (!double.IsFinite(value) || value is < 0 or > 1) throw new StoreValidationException(field, "must be within [0, 1]");
    }
}
