using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using Preference.Models.Generation.CpuFastPath.Kernels;
using Preference.Models.Llama;
using TorchSharp;

namespace Preference.Models.Generation.CpuFastPath;

/// <summary>
/// Whole sequences through a LLaMA model on the CPU, for scoring (a reward model's forward): each sequence runs alone
/// and unpadded through <see cref="FusedLlamaLayers"/> on one worker, with its own small KV cache, and the caller reads
/// its final-normed hidden states. On a model as small as stories260K a padded [B, T] torch forward spends most of its
/// time in per-op overhead and padding; here a sequence costs one pass over the weights per layer, and the workers
/// take sequences, not slices of a matmul, so they never wait on each other within one.
/// Weights are read in place, their addresses taken when this object is made, so make one per scoring call.
/// </summary>
public sealed unsafe class FusedLlamaPrefill : IDisposable
{
    /// <summary>Receives sequence <paramref name="index"/>'s final hidden states, [length, hidden] row-major, valid only during the call.</summary>
    public delegate void HiddenStatesReader(int index, ReadOnlySpan<float> hidden, int length);

    sealed class Worker(int maxLength, LlamaConfig config, int capacity)
    {
        public WorkerScratch Scratch { get; } = new(maxLength, config, capacity);
        public PinnedBuffer<float> Keys { get; } = new((long)config.NumHiddenLayers * config.KeyValueHeads * config.HeadDim * capacity);
        public PinnedBuffer<float> Values { get; } = new((long)config.NumHiddenLayers * config.KeyValueHeads * config.HeadDim * capacity);
        public PinnedBuffer<int> Tokens { get; } = new(maxLength);
    }

    readonly LlamaConfig _config;
    readonly FusedLlamaLayers _layers;
    readonly int _maxLength, _capacity, _threads;
    readonly ConcurrentBag<Worker> _idle = [];

    /// <summary>A prefill for sequences of up to <paramref name="maxLength"/> tokens, or null where the torch path must run.</summary>
    /// <param name="threads">workers to use; torch's configured thread count unless a caller asks otherwise.</param>
    public static FusedLlamaPrefill? TryCreate(CausalLanguageModel model, int maxLength, int? threads = null)
    {
        if (FusedCpuEligibility.WhyNot(model) is not null) return null;
        var llama = (LlamaForCausalLM)model;
        // Positions past the rotary tables, and a cache larger than one array can hold, stay with the torch path.
        var c = llama.Config;
        if (maxLength < 1 || maxLength > c.MaxPositionEmbeddings) return null;
        if ((long)c.NumHiddenLayers * c.KeyValueHeads * c.HeadDim * (maxLength + AttentionKernel.Block) > Array.MaxLength) return null;
        return new FusedLlamaPrefill(llama, maxLength, threads ?? torch.get_num_threads());
    }

    FusedLlamaPrefill(LlamaForCausalLM model, int maxLength, int threads)
    {
        _config = model.Config;
        _maxLength = maxLength;
        // Rounded up to whole key blocks, so scoring a block never reads past a head's keys.
        _capacity = (maxLength + AttentionKernel.Block - 1) / AttentionKernel.Block * AttentionKernel.Block;
        _threads = Math.Clamp(threads, 1, Environment.ProcessorCount);
        _layers = new FusedLlamaLayers(_config, new LlamaWeightViews(model));
    }

    /// <summary>
    /// Runs sequences 0..count-1 across the workers. <paramref name="tokens"/> is called on the worker that runs the
    /// sequence (so tokenisation runs in parallel too, and must be thread-safe), as is <paramref name="read"/>.
    /// </summary>
    public void Run(int count, Func<int, IReadOnlyList<int>> tokens, HiddenStatesReader read, CancellationToken cancellationToken = default)
    {
        int workers = Math.Min(_threads, count);
        // A lone sequence may still split its larger matmuls across the threads.
        int matmulThreads = workers == 1 ? _threads : 1;
        var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, workers), CancellationToken = cancellationToken };
        try
        {
            Parallel.For(0, count, options,
                () => _idle.TryTake(out var worker) ? worker : new Worker(_maxLength, _config, _capacity),
                (index, _, worker) =>
                {
                    Forward(worker, index, tokens(index), read, matmulThreads);
                    return worker;
                },
                _idle.Add);
        }
        catch (AggregateException e) when (e.InnerExceptions.Count == 1)
        {
            // One failing sequence (a bad token id, a text its tokenizer refuses) reads as that failure, not as a wrapper.
            ExceptionDispatchInfo.Throw(e.InnerExceptions[0]);
        }
    }

    void Forward(Worker worker, int index, IReadOnlyList<int> ids, HiddenStatesReader read, int matmulThreads)
    {
        int length = ids.Count, dim = _config.HiddenSize;
        if (length < 1 || length > _maxLength)
            throw new ArgumentException($"sequence {index} has {length} tokens; this prefill takes 1 to {_maxLength}", nameof(ids));
        int* tokens = worker.Tokens.Pointer;
        for (int t = 0; t < length; t++)
            tokens[t] = ids[t] >= 0 && ids[t] < _config.VocabSize
                ? ids[t]
                : throw new ArgumentOutOfRangeException(nameof(ids), ids[t], $"token id outside the vocabulary of {_config.VocabSize}");

        var s = worker.Scratch;
        long layerStride = (long)_config.KeyValueHeads * _config.HeadDim * _capacity;
        var cache = new KvCacheRows(worker.Keys.Pointer, worker.Values.Pointer, layerStride, rowStride: 0, _capacity);
        ReadOnlySpan<int> noPadding = [0];
        _layers.Run(s, tokens, rowCount: 1, steps: length, firstIndex: 0, cache, noPadding, matmulThreads);
        RmsNormKernel.Normalize(s.Hidden, s.Normed, length, dim, _layers.Weights.FinalNorm, (float)_config.RmsNormEps);
        read(index, new ReadOnlySpan<float>(s.Normed, length * dim), length);
    }

    public void Dispose() => _layers.Weights.Dispose();
}
