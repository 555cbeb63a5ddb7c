using static TorchSharp.torch;

namespace Preference.Training.Reward.Modeling;

/// <summary>Right-padded [B, T] ids and their 0/1 attention mask.</summary>
public sealed record RewardBatch(Tensor Ids, Tensor Mask) : IDisposable
{
    public static RewardBatch Pad(IReadOnlyList<int[]> rows, int padId, Device device)
    {
        int width = rows.Max(r => r.Length);
        var ids = new long[rows.Count * width];
        var mask = new long[rows.Count * width];
        Array.Fill(ids, padId);
        for (int r = 0; r < rows.Count; r++)
            for (int t = 0; t < rows[r].Length; t++)
            {
                ids[r * width + t] = rows[r][t];
                mask[r * width + t] = 1;
            }
        return new RewardBatch(tensor(ids, [rows.Count, width]).to(device), tensor(mask, [rows.Count, width]).to(device));
    }

    public void Dispose()
    {
        Ids.Dispose();
        Mask.Dispose();
    }
}
