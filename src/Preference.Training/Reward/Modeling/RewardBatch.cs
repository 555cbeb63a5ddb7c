using static TorchSharp.torch;

namespace Preference.Training.Reward.Modeling;

/// <summary>
/// Right-padded [B, T] ids, their 0/1 attention mask, a 0/1 mask of the completion's positions (for pooled heads), and
/// the rows' [B, F] grounding features when the model reads them.
/// </summary>
public sealed record RewardBatch(Tensor Ids, Tensor Mask, Tensor CompletionMask, Tensor? Features = null) : IDisposable
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
        Tensor? features = null;
        if (rows.Any(r => r.Features is not null))
        {
            if (rows.Any(r => r.Features is null)) throw new ArgumentException("either every row has features or none", nameof(rows));
            int count = rows[0].Features!.Length;
            features = tensor(rows.SelectMany(r => r.Features!).ToArray(), [rows.Count, count]).to(device);
        }
        return new RewardBatch(tensor(ids, [rows.Count, width]).to(device), tensor(mask, [rows.Count, width]).to(device),
            tensor(completion, [rows.Count, width]).to(device), features);
    }

    public void Dispose()
    {
        Ids.Dispose();
        Mask.Dispose();
        CompletionMask.Dispose();
        Features?.Dispose();
    }
}
