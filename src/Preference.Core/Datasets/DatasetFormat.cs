namespace Preference.Core.Datasets;

/// <summary>The import formats understood; <see cref="Auto"/> recognises each line by its keys.</summary>
public enum DatasetFormat
{
    Auto,
    /// <summary><c>{"prompt": "..." | [messages], "completions": ["..." | {"text", "model", "params"}]}</c></summary>
    PromptCompletions,
    /// <summary>TRL standard preference: <c>{"prompt", "chosen", "rejected"}</c> strings; prompt may be implicit in chosen.</summary>
    TrlStandard,
    /// <summary>TRL conversational preference: prompt, chosen and rejected are message lists.</summary>
    TrlConversational,
    /// <summary><c>{"messages": [...]}</c>: the last assistant turn is the completion, the turns before it the prompt.</summary>
    Messages,
    /// <summary>FineGrainedRLHF qa-feedback: <c>question</c> with <c>prediction 1..k</c> (k-wise).</summary>
    QaFeedback,
}
