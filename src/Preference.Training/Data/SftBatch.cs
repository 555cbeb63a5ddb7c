using static TorchSharp.torch;

namespace Preference.Training.Data;

/// <summary>
/// A right-padded batch ready for a causal LM: input ids [B, T] and next-token targets [B, T-1] with
/// <see cref="IgnoreIndex"/> where nothing is learned (prompt, padding).
/// </summary>
public sealed class SftBatch : IDisposable
{
    public const long IgnoreIndex = -100;

    SftBatch(Tensor inputIds, Tensor targets, long learnedTokens, long tokens)
    {
        InputIds = inputIds;
        Targets = targets;
        LearnedTokens = learnedTokens;
        Tokens = tokens;
    }

    public Tensor InputIds { get; }
    public Tensor Targets { get; }

    /// <summary>Targets that count in the loss; known on the CPU, so normalising needs no device sync.</summary>
    public long LearnedTokens { get; }

    /// <summary>Real (non-padding) tokens, for throughput.</summary>
    public long Tokens { get; }

    public static SftBatch Collate(IReadOnlyList<TokenizedExample> examples, int padId, Device device)
    {
        int rows = examples.Count, width = examples.Max(e => e.Ids.Length);
        var ids = new long[rows * width];
        var targets = new long[rows * (width - 1)];
        Array.Fill(ids, padId);
        Array.Fill(targets, IgnoreIndex);
        long learned = 0, tokens = 0;
        for (int r = 0; r < rows; r++)
        {
            var example = examples[r];
            tokens += example.Ids.Length;
            for (int t = 0; t < example.Ids.Length; t++)
            {
                ids[r * width + t] = example.Ids[t];
                // The logits at position t-1 predict token t.
                if (t > 0 && example.Learned[t])
                {
                    targets[r * (width - 1) + t - 1] = example.Ids[t];
                    learned++;
                }
            }
        }
        return new SftBatch(tensor(ids, [rows, width]).to(device), tensor(targets, [rows, width - 1]).to(device), learned, tokens);
    }

    public void Dispose()
    {
        InputIds.Dispose();
        Targets.Dispose();
    }
}
