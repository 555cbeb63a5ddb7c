namespace Preference.Core.Domain;

public enum AssignmentState
{
    Reserved,
    Submitted,
    Skipped,
}
