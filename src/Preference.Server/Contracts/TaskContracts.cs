using Preference.Store.Queue;

namespace Preference.Server.Contracts;

/// <summary>The next task plus the annotator's progress (done by them, still available to them).</summary>
public sealed record NextTaskResponse(TaskOffer Task, int Mine, int Remaining);
