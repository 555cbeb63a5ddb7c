namespace Preference.Core.Domain;

/// <summary>What an offer did with the campaign's judge suggestion; the anchoring report compares Shown with Withheld.</summary>
public enum SuggestionState
{
    /// <summary>No suggestion: the campaign has none, or the judge has not ranked the task.</summary>
    None,
    Shown,
    /// <summary>A suggestion existed but this offer was one of the held-out share served without it.</summary>
    Withheld,
}
