namespace Preference.Core.Judging;

/// <summary>
/// Who made a verdict, recorded with every annotation a judge writes so that a judgement can be traced to the exact
/// model, prompt and sampling settings (a judge is an annotator of kind "judge").
/// </summary>
/// <param name="Name">Stable annotator name, unique per judge configuration (idempotency is per task and name).</param>
/// <param name="Kind">"llm", "rule" or "reward-model".</param>
/// <param name="Settings">Everything else that changes verdicts: sampling, thresholds, position-bias mode.</param>
public sealed record JudgeIdentity(
    string Name,
    string Kind,
    string? Model = null,
    string? PromptTemplateVersion = null,
    IReadOnlyDictionary<string, string>? Settings = null)
{
    /// <summary>Flat metadata for an annotator record.</summary>
    public IReadOnlyDictionary<string, string> ToMetadata()
    {
        var metadata = new Dictionary<string, string> { ["kind"] = Kind };
        if (Model is not null) metadata["model"] = Model;
        if (PromptTemplateVersion is not null) metadata["prompt_template"] = PromptTemplateVersion;
        foreach (var (key, value) in Settings ?? new Dictionary<string, string>()) metadata[key] = value;
        return metadata;
    }

    public JudgeIdentity WithSetting(string key, string value)
    {
        var settings = new Dictionary<string, string>(Settings ?? new Dictionary<string, string>()) { [key] = value };
        return this with { Settings = settings };
    }
}
