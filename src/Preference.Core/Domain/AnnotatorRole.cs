namespace Preference.Core.Domain;

/// <summary>What an identity may do: admins run campaigns and issue tokens; annotators only rank.</summary>
public enum AnnotatorRole
{
    Annotator,
    Admin,
}
