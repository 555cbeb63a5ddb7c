namespace Preference.Training.Data;

/// <summary>Token ids and, per position, whether predicting that token counts in the loss (completion/assistant tokens).</summary>
public sealed record TokenizedExample(int[] Ids, bool[] Learned)
{
    public int LearnedCount => Learned.Count(l => l);
}

/// <summary>The tokenized set plus what had to be cut, so the trainer can warn once instead of per row.</summary>
public sealed record TokenizedSet(IReadOnlyList<TokenizedExample> Examples, int Truncated, int DroppedWithoutTargets)
{
    public long LearnedTokens => Examples.Sum(e => (long)e.LearnedCount);
}
