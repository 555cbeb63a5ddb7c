namespace Preference.Server.Auth;

/// <summary>Authorization policy names.</summary>
public static class Policies
{
    /// <summary>Campaigns, imports, exports, tokens, progress, agreement.</summary>
    public const string Admin = "admin";
    /// <summary>Ranking tasks: annotators and judges (and admins, who may try their own campaigns); never trainer tokens.</summary>
    public const string Annotate = "annotate";
    /// <summary>Publishing training metrics: admins and trainer tokens (a trainer only to runs it started).</summary>
    public const string Publisher = "publisher";
    /// <summary>The review queue of disagreed tasks: admins and reviewer tokens (never annotators).</summary>
    public const string Reviewer = "reviewer";
}
