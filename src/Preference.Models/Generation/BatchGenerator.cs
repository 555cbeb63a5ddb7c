using Preference.Models.Decoding;
using Preference.Models.Generation.CpuFastPath;
using TorchSharp;
using static TorchSharp.torch;

namespace Preference.Models.Generation;

/// <summary>
/// Batched autoregressive generation, the whole path in one loop as in llama2.c's run.c: prompts are left-padded to a
/// common length, one prefill pass fills the KV cache, then each step samples a token per row, writes it into
/// preallocated output buffers and feeds it back. Rows that finish keep emitting padding until all are done.
/// </summary>
public static class BatchGenerator
{
    // How often (in steps) to ask whether every row has finished; asking copies a flag from the device.
    const int FinishedCheckInterval = 8;

    public static GenerationOutput Generate(CausalLanguageModel model, IReadOnlyList<IReadOnlyList<int>> prompts,
        GenerationOptions options, CancellationToken cancellationToken = default)
    {
        options.Validate();
        if (prompts.Count == 0) throw new ArgumentException("no prompts to generate from", nameof(prompts));
        if (prompts.Any(p => p.Count == 0)) throw new ArgumentException("every prompt needs at least one token (e.g. BOS)", nameof(prompts));
        int batch = prompts.Count, promptLength = prompts.Max(p => p.Count), maxNew = options.MaxNewTokens;
        if (promptLength + maxNew > model.Shape.MaxPositions)
            throw new ArgumentException($"prompt of {promptLength} tokens plus {maxNew} new tokens exceeds the model's context of {model.Shape.MaxPositions}");

        var device = model.Device;
        bool wasTraining = model.training;
        model.eval();
        try
        {
            using var outer = NewDisposeScope();
            using var noGrad = no_grad();
            var (promptIds, promptMask) = LeftPad(prompts, promptLength, options.PadTokenId, device);
            bool hasPadding = prompts.Any(p => p.Count < promptLength);

            // Additive bias over every position the batch will reach: -inf on prompt padding, 0 elsewhere.
            var keyBias = hasPadding
                ? zeros([batch, promptLength + maxNew], model.DType, device)
                    .index_put_(MaskValues.NegativeInfinity, cat([promptMask.eq(0), zeros([batch, maxNew], ScalarType.Bool, device)], 1))
                : null;
            var completionIds = full([batch, maxNew], options.PadTokenId, ScalarType.Int64, device);
            var completionLogProbs = zeros([batch, maxNew], ScalarType.Float32, device);
            var completionMask = zeros([batch, maxNew], ScalarType.Int64, device);
            var finished = zeros([batch], ScalarType.Bool, device);
            var endedWithEos = zeros([batch], ScalarType.Bool, device);
            var generator = options.IsGreedy ? null : new torch.Generator((ulong)(options.Seed ?? Random.Shared.NextInt64()), device);
            var sampler = new TokenSampler(options, generator);
            var generatedOnCpu = options.Watcher is null ? null : Enumerable.Range(0, batch).Select(_ => new List<int>()).ToArray();

            // The fused CPU kernel, where it applies, replaces only the forward passes; sampling below is shared.
            using var fused = FusedLlamaDecoder.TryCreate(model, options, batch, promptLength, promptLength + maxNew);
            using var cache = options.UseKvCache && fused is null ? model.CreateCache(batch, promptLength + maxNew) : null;
            var positions = hasPadding
                ? (promptMask.sum([1L], keepdim: true) - 1)
                : full([batch, 1], promptLength - 1, ScalarType.Int64, device);
            var logits = fused?.Prefill(prompts, options.PadTokenId) ?? Prefill(model, promptIds, promptMask, hasPadding, cache);

            int steps = 0;
            for (int step = 0; step < maxNew; step++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var stepScope = NewDisposeScope();
                var (sampled, logProbs) = sampler.Sample(logits);
                var alive = finished.logical_not();
                var token = sampled.where(alive, options.PadTokenId);
                completionIds.select(1, step).copy_(token);
                completionLogProbs.select(1, step).copy_(logProbs * alive);
                completionMask.select(1, step).copy_(alive);
                if (options.EosTokenId is { } eos)
                {
                    var hitEos = alive & token.eq(eos);
                    endedWithEos.logical_or_(hitEos);
                    finished.logical_or_(hitEos);
                }
                if (generatedOnCpu is not null) WatchTokens(options.Watcher!, token, alive, generatedOnCpu, finished);
                steps = step + 1;
                if (step == maxNew - 1) break;
                if (step % FinishedCheckInterval == FinishedCheckInterval - 1 && finished.all().item<bool>()) break;

                if (fused is not null)
                {
                    logits = fused.Decode(token);
                    continue;
                }
                positions.add_(1);
                Tensor next;
                if (cache is not null)
                {
                    var context = new DecoderContext
                    {
                        PositionIds = positions,
                        AttentionBias = keyBias?.narrow(1, 0, promptLength + step + 1).view(batch, 1, 1, -1),
                        Cache = cache,
                    };
                    next = model.Forward(token.unsqueeze(1), context).select(1, 0);
                }
                else
                {
                    var sequence = cat([promptIds, completionIds.narrow(1, 0, step + 1)], 1);
                    var mask = cat([promptMask, ones([batch, step + 1], ScalarType.Int64, device)], 1);
                    var context = DecoderContext.FromAttentionMask(mask, sequence.shape[1], null, model.DType);
                    next = model.Forward(sequence, context).select(1, -1);
                }
                logits = next.MoveToOuterDisposeScope();
            }

            var output = new GenerationOutput
            {
                PromptIds = promptIds.MoveToOuterDisposeScope(),
                PromptMask = promptMask.MoveToOuterDisposeScope(),
                CompletionIds = completionIds.narrow(1, 0, steps).clone().MoveToOuterDisposeScope(),
                CompletionLogProbs = completionLogProbs.narrow(1, 0, steps).clone().MoveToOuterDisposeScope(),
                CompletionMask = completionMask.narrow(1, 0, steps).clone().MoveToOuterDisposeScope(),
                Finished = finished.MoveToOuterDisposeScope(),
                EndedWithEos = endedWithEos.MoveToOuterDisposeScope(),
            };
            return output;
        }
        finally
        {
            model.train(wasTraining);
        }
    }

    static (Tensor Ids, Tensor Mask) LeftPad(IReadOnlyList<IReadOnlyList<int>> prompts, int length, int padId, Device device)
    {
        var ids = new long[prompts.Count * length];
        var mask = new long[prompts.Count * length];
        for (int r = 0; r < prompts.Count; r++)
        {
            int offset = length - prompts[r].Count;
            for (int i = 0; i < length; i++)
            {
                bool real = i >= offset;
                ids[r * length + i] = real ? prompts[r][i - offset] : padId;
                mask[r * length + i] = real ? 1 : 0;
            }
        }
        return (tensor(ids, [prompts.Count, length], device: device), tensor(mask, [prompts.Count, length], device: device));
    }

    static Tensor Prefill(CausalLanguageModel model, Tensor promptIds, Tensor promptMask, bool hasPadding, KvCache? cache)
    {
        long batch = promptIds.shape[0], length = promptIds.shape[1];
        var context = hasPadding
            ? DecoderContext.FromAttentionMask(promptMask, length, cache, model.DType)
            : new DecoderContext { PositionIds = DecoderContext.Causal(batch, length, promptIds.device).PositionIds, Cache = cache };
        return model.Forward(promptIds, context).select(1, -1);
    }

    static void WatchTokens(IGenerationWatcher watcher, Tensor token, Tensor alive, List<int>[] generated, Tensor finished)
    {
        var tokens = token.cpu().data<long>().ToArray();
        var aliveRows = alive.cpu().data<bool>().ToArray();
        var stops = new bool[tokens.Length];
        for (int r = 0; r < tokens.Length; r++)
        {
            if (!aliveRows[r]) continue;
            generated[r].Add((int)tokens[r]);
            stops[r] = watcher.OnToken(r, generated[r]);
        }
        if (stops.Any(s => s)) finished.logical_or_(tensor(stops, device: finished.device));
    }
}
