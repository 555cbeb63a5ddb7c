using Preference.Core.Api;
using Preference.Core.Domain;

namespace Preference.Store.Queue;

/// <summary>What a task shows, cached while the task is open so offering it costs no database reads.</summary>
internal sealed record TaskContent(Prompt Prompt, IReadOnlyDictionary<string, ShownCompletion> Completions);
