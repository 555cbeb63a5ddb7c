namespace Preference.Server.Auth;

/// <summary>Authorization policy names.</summary>
public static class Policies
{
    /// <summary>Campaigns, imports, exports, tokens, progress, agreement.</summary>
    public const string Admin = "admin";
    /// <summary>Publishing training metrics: admins and trainer tokens.</summary>
    public const string Publisher = "publisher";
    /// <summary>The review queue of disagreed tasks: admins and reviewer tokens (never annotators).</summary>
    public const string Reviewer = "reviewer";
}
