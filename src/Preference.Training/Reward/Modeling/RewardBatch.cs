using static TorchSharp.torch;

namespace Preference.Training.Reward.Modeling;

/// <summary>Right-padded [B, T] ids, their 0/1 attention mask, and a 0/1 mask of the completion's positions (for pooled heads).</summary>
public sealed record RewardBatch(Tensor Ids, Tensor Mask, Tensor CompletionMask) : IDisposable
{
    public static RewardBatch Pad(IReadOnlyList<WindowedText> rows, int padId, Device device)
    {
        int width = rows.Max(r => r.Ids.Length);
        var ids = new long[rows.Count * width];
        var mask = new long[rows.Count * width];
        var completion = new float[rows.Count * width];
        Array.Fill(ids, padId);
        for (int r = 0; r < rows.Count; r++)
        {
            var row = rows[r].Ids;
            for (int t = 0; t < row.Length; t++)
            {
                ids[r * width + t] = row[t];
                mask[r * width + t] = 1;
                if (t >= rows[r].CompletionStart) completion[r * width + t] = 1;
            }
        }
        return new RewardBatch(tensor(ids, [rows.Count, width]).to(device), tensor(mask, [rows.Count, width]).to(device),
            tensor(completion, [rows.Count, width]).to(device));
    }

    public void Dispose()
    {
        Ids.Dispose();
        Mask.Dispose();
        CompletionMask.Dispose();
    }
}
