namespace Preference.Core.Datasets;

/// <summary>TRL's two preference dataset shapes.</summary>
public enum TrlExportStyle
{
    /// <summary><c>{"prompt": str, "chosen": str, "rejected": str}</c></summary>
    Standard,
    /// <summary><c>{"prompt": [messages], "chosen": [messages], "rejected": [messages]}</c></summary>
    Conversational,
}
