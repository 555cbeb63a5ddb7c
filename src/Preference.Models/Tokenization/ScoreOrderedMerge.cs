namespace Preference.Models.Tokenization;

/// <summary>
/// llama2.c's merge loop: repeatedly merge the adjacent pair whose concatenation is in the vocabulary with the
/// highest score, the leftmost pair winning ties, until no pair merges. run.c rescans the whole sequence per merge
/// (quadratic); this keeps the same choice order with a priority queue over a linked list, so a megabyte of text
/// encodes in milliseconds instead of minutes and every merge still happens in exactly the same order.
/// </summary>
internal static class ScoreOrderedMerge
{
    /// <summary>One token of the sequence being merged; byte offsets index the UTF-8 input.</summary>
    internal struct Symbol
    {
        public int Id;
        public int ByteStart;
        public int ByteEnd;
        public int Prev;
        public int Next;
        public bool Alive;
    }

    readonly record struct Candidate(int Left, int Right, int LeftId, int RightId, int MergedId);

    /// <summary>Highest score first; among equal scores the leftmost pair, as run.c's strict '&gt;' scan does.</summary>
    sealed class PriorityOrder : IComparer<(float Score, int Position)>
    {
        public static readonly PriorityOrder Instance = new();

        public int Compare((float Score, int Position) x, (float Score, int Position) y)
        {
            int byScore = y.Score.CompareTo(x.Score);
            return byScore != 0 ? byScore : x.Position.CompareTo(y.Position);
        }
    }

    /// <summary>run.c only merges pairs scoring above its initial best score of -1e10.</summary>
    const float ScoreFloor = -1e10f;

    /// <param name="symbols">The initial tokens in order; merged in place (dead entries get Alive = false).</param>
    /// <param name="tryMerge">The merged id of a pair, if the concatenation of the two pieces is a vocabulary entry.</param>
    /// <param name="scores">Score per id.</param>
    public static void Run(Symbol[] symbols, int count, Func<int, int, int> tryMerge, IReadOnlyList<float> scores)
    {
        if (count < 2) return;
        var queue = new PriorityQueue<Candidate, (float, int)>(count, PriorityOrder.Instance);

        void Consider(int left, int right)
        {
            int merged = tryMerge(symbols[left].Id, symbols[right].Id);
            if (merged >= 0 && scores[merged] > ScoreFloor)
                queue.Enqueue(new Candidate(left, right, symbols[left].Id, symbols[right].Id, merged), (scores[merged], left));
        }

        for (int i = 0; i + 1 < count; i++) Consider(i, i + 1);

        while (queue.TryDequeue(out var c, out _))
        {
            ref var left = ref symbols[c.Left];
            ref var right = ref symbols[c.Right];
            // A candidate goes stale when either side was merged into something else after it was queued.
            if (!left.Alive || !right.Alive || left.Next != c.Right || left.Id != c.LeftId || right.Id != c.RightId)
                continue;

            left.Id = c.MergedId;
            left.ByteEnd = right.ByteEnd;
            left.Next = right.Next;
            right.Alive = false;
            if (left.Next >= 0) symbols[left.Next].Prev = c.Left;

            if (left.Prev >= 0) Consider(left.Prev, c.Left);
            if (left.Next >= 0) Consider(c.Left, left.Next);
        }
    }
}
