using Preference.Core.Domain;

namespace Preference.Core.Api;

/// <summary>
/// A task's prompt and completions under their stored ids, for admins' tools (<c>GET /api/campaigns/{id}/tasks/contents</c>,
/// e.g. scoring them with a reward model). Annotators never get stored ids: their offers carry per-offer ids.
/// </summary>
public sealed record TaskContentView(string TaskId, Prompt Prompt, IReadOnlyList<ShownCompletion> Completions);
