namespace Preference.Judges.Prompts;

/// <summary>
/// A rendered judging prompt. Responses are shown under letters (A, B, ...) so that response ids, which may encode a
/// model name, never reach the judge; <see cref="IdByLabel"/> maps the verdict back.
/// </summary>
public sealed record JudgePrompt(string TemplateVersion, string System, string User, IReadOnlyDictionary<string, string> IdByLabel)
{
    public IReadOnlyList<string> Labels => IdByLabel.Keys.ToList();
}
