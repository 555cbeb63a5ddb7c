namespace Preference.Core.Api;

/// <summary>What <c>POST /api/campaigns/{id}/import</c> answers: tasks created, and the source name recorded on the prompts.</summary>
public sealed record ImportResult(int Tasks, string Source);
