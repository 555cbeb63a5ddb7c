namespace Preference.Core.Domain;

/// <summary>One chat turn, in the role/content shape TRL and OpenAI-style APIs share.</summary>
public sealed record Message(string Role, string Content);
