using Preference.Core.Domain;

namespace Preference.Store.Quality;

/// <summary>
/// Time an annotator spent on a task, idle excluded. The page reports <see cref="Annotation.TimeSpentMs"/> as the
/// time the task was visible with input no more than a minute old (a hidden tab or a minute without a key or
/// pointer event counts as idle), so a positive report is used as it is, capped by the wall time from offer to
/// submit. A client that reports nothing (judges, scripts) gets the wall time. Either way at most
/// <see cref="Cap"/>: an offer left open over lunch is idle, not effort.
/// </summary>
public static class ActiveTime
{
    public static TimeSpan Cap { get; } = TimeSpan.FromMinutes(10);

    public static TimeSpan Of(Annotation annotation, Assignment? offer)
    {
        TimeSpan? wall = offer is null ? null : annotation.SubmittedAt - offer.ReservedAt;
        if (wall < TimeSpan.Zero) wall = TimeSpan.Zero;
        var reported = TimeSpan.FromMilliseconds(annotation.TimeSpentMs);
        var active = annotation.TimeSpentMs > 0
            ? (wall is { } w && w < reported ? w : reported)
            : wall ?? TimeSpan.Zero;
        return active > Cap ? Cap : active;
    }
}
