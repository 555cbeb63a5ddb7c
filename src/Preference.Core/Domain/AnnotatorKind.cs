namespace Preference.Core.Domain;

/// <summary>Who produced an annotation: a person, or an AI judge working through the same queue.</summary>
public enum AnnotatorKind
{
    Human,
    Judge,
}
