using Preference.Core.Domain;

namespace Preference.Core.Datasets;

/// <summary>
/// One exported preference: the prompt, the preferred and the dispreferred completion, and how strongly the
/// annotators agreed (fraction of votes for this direction) so consumers can filter or weight.
/// </summary>
public sealed record PreferencePair(Prompt Prompt, Completion Chosen, Completion Rejected, double Agreement, int Votes);
