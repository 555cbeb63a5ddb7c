using Preference.Core.Domain;

namespace Preference.Store.Identity;

/// <summary>A newly created identity and its token, which exists in clear only in this value.</summary>
public sealed record IssuedToken(Annotator Annotator, string Token);
