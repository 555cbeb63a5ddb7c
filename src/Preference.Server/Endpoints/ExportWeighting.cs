namespace Preference.Server.Endpoints;

/// <summary>How annotators' rankings count in an export: equally, or by their measured quality.</summary>
public enum ExportWeighting
{
    None,
    Quality,
}
