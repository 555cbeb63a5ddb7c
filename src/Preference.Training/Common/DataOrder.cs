namespace Preference.Training.Common;

/// <summary>
/// The order examples are visited in: a permutation drawn from (seed, epoch) alone, so a resumed run rebuilds the
/// same order and skips the batches it had already consumed.
/// </summary>
public static class DataOrder
{
    public static int[] Shuffled(int count, long seed, int epoch)
    {
        var order = Enumerable.Range(0, count).ToArray();
        // HashCode.Combine is salted per process; this mix is not, so the order survives a restart.
        new Random(unchecked((int)(seed * 1_000_003L + epoch * 7_919L))).Shuffle(order);
        return order;
    }

    /// <summary>Batches of indices for an epoch; the last may be short.</summary>
    public static IReadOnlyList<int[]> Batches(int count, int batchSize, long seed, int epoch, bool shuffle = true)
    {
        var order = shuffle ? Shuffled(count, seed, epoch) : Enumerable.Range(0, count).ToArray();
        return order.Chunk(batchSize).ToList();
    }
}
