using static TorchSharp.torch;

namespace Preference.Models.Generation;

/// <summary>
/// What a batched generation produced, as tensors PPO consumes directly. N is the number of steps actually taken
/// (less than MaxNewTokens when every row finished early).
/// </summary>
public sealed class GenerationOutput : IDisposable
{
    /// <summary>[B, L] prompts, left-padded.</summary>
    public required Tensor PromptIds { get; init; }

    /// <summary>[B, L] 1 for prompt tokens, 0 for padding.</summary>
    public required Tensor PromptMask { get; init; }

    /// <summary>[B, N] generated tokens; the pad token after a row finished.</summary>
    public required Tensor CompletionIds { get; init; }

    /// <summary>[B, N] log-probability of each generated token under the sampling distribution; 0 after finishing.</summary>
    public required Tensor CompletionLogProbs { get; init; }

    /// <summary>[B, N] 1 for generated tokens up to and including the one that ended the row (EOS), else 0.</summary>
    public required Tensor CompletionMask { get; init; }

    /// <summary>[B] true where the row ended by EOS or a stop condition, false where it ran out of tokens.</summary>
    public required Tensor Finished { get; init; }

    /// <summary>[B] true where the row ended with the EOS token itself.</summary>
    public required Tensor EndedWithEos { get; init; }

    /// <summary>The generated tokens of each row, without padding and without the final EOS.</summary>
    public IReadOnlyList<int[]> CompletionTokens(int? eosTokenId)
    {
        var ids = CompletionIds.cpu().to(ScalarType.Int64);
        var mask = CompletionMask.cpu().to(ScalarType.Int64);
        long rows = ids.shape[0], steps = ids.shape[1];
        var idData = ids.data<long>().ToArray();
        var maskData = mask.data<long>().ToArray();
        var result = new int[rows][];
        for (int r = 0; r < rows; r++)
        {
            var row = new List<int>();
            for (int s = 0; s < steps; s++)
            {
                if (maskData[r * steps + s] == 0) break;
                int id = (int)idData[r * steps + s];
                if (id == eosTokenId) break;
                row.Add(id);
            }
            result[r] = [.. row];
        }
        return result;
    }

    public void Dispose()
    {
        PromptIds.Dispose();
        PromptMask.Dispose();
        CompletionIds.Dispose();
        CompletionLogProbs.Dispose();
        CompletionMask.Dispose();
        Finished.Dispose();
        EndedWithEos.Dispose();
    }
}
