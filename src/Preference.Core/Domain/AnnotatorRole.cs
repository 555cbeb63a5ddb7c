namespace Preference.Core.Domain;

/// <summary>
/// What an identity may do: admins run campaigns and issue tokens; annotators (and judges) only rank; trainers
/// only publish training metrics, so a trainer process never holds a token that can read annotations; reviewers
/// adjudicate the tasks annotators disagree on (see the review queue) and do nothing else.
/// </summary>
public enum AnnotatorRole
{
    Annotator,
    Admin,
    Trainer,
    Reviewer,
}
