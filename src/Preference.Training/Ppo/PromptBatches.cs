namespace Preference.Training.Ppo;

/// <summary>
/// Which prompts step s trains on: a pure function of (seed, step), walking through one shuffled permutation per
/// epoch, so a resumed run needs no bookkeeping to continue on exactly the prompts it would have seen.
/// </summary>
public static class PromptBatches
{
    public static (int Epoch, IReadOnlyList<string> Prompts) ForStep(IReadOnlyList<string> prompts, int batchSize, long seed, long step)
    {
        if (prompts.Count == 0) throw new ArgumentException("no prompts", nameof(prompts));
        var batch = new List<string>(batchSize);
        long position = (step - 1) * batchSize;
        int firstEpoch = (int)(position / prompts.Count);
        int epoch = -1;
        int[] order = [];
        for (long p = position; p < position + batchSize; p++)
        {
            int e = (int)(p / prompts.Count);
            if (e != epoch) (epoch, order) = (e, Common.DataOrder.Shuffled(prompts.Count, seed, e));
            batch.Add(prompts[order[(int)(p % prompts.Count)]]);
        }
        return (firstEpoch, batch);
    }
}
