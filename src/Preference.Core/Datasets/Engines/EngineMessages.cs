using Preference.Core.Domain;

namespace Preference.Core.Datasets.Engines;

/// <summary>Chat messages as the engines' conversational formats write them: a list of <c>{role, content}</c>.</summary>
public static class EngineMessages
{
    public static List<Dictionary<string, string>> Of(Prompt prompt) =>
        From(prompt.Messages ?? [new Message("user", prompt.Text ?? "")]);

    public static List<Dictionary<string, string>> Of(Completion completion) =>
        From(completion.Messages ?? [new Message("assistant", completion.Text ?? "")]);

    static List<Dictionary<string, string>> From(IEnumerable<Message> messages) =>
        messages.Select(m => new Dictionary<string, string> { ["role"] = m.Role, ["content"] = m.Content }).ToList();
}
