using System.Security.Cryptography;

namespace Preference.Store.Documents;

/// <summary>
/// Ids that sort in the order they were made, within this process: 12 hex digits of Unix milliseconds, 8 of a
/// counter, 12 random (32 in all, the shape of <c>Guid.ToString("N")</c>). Version-7 GUIDs are time-ordered only to
/// the millisecond, and an import makes hundreds of records a millisecond; made in order, the prompts and completions
/// of consecutive tasks are neighbours in the id index, so the queue reads many of them with one range query.
/// Uniqueness never depends on the order: the random part makes two processes' ids differ.
/// </summary>
public static class SortableId
{
    private static long _counter;

    public static string New()
    {
        long milliseconds = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() & 0xFFFF_FFFF_FFFF;
        uint count = (uint)Interlocked.Increment(ref _counter);
        Span<byte> random = stackalloc byte[6];
        RandomNumberGenerator.Fill(random);
        return $"{milliseconds:x12}{count:x8}{Convert.ToHexStringLower(random)}";
    }
}
