using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Preference.Models.Generation.CpuFastPath.Kernels;
using Preference.Models.Llama;
using TorchSharp;
using static TorchSharp.torch;

namespace Preference.Models.Generation.CpuFastPath;

/// <summary>
/// A LLaMA forward pass for generation over raw float buffers, like llama2.c's run.c but batched: a decode step costs
/// one pass over the weights (<see cref="FusedLlamaLayers"/>, then the final norm and the LM head) instead of ~280
/// libtorch calls. Weights are read in place from the
/// model's tensors; the KV cache, activations and the [B, V] logits tensor the sampler reads are allocated once per
/// generation. Chunks of rows go to workers (each runs every layer for its rows); a lone row splits its matmuls.
/// </summary>
internal sealed unsafe class FusedLlamaDecoder : IDisposable
{
    readonly LlamaConfig _config;
    readonly LlamaWeightViews _weights;
    readonly FusedLlamaLayers _layers;
    readonly int _batch, _promptLength, _positions, _capacity, _threads, _workers, _decodeChunkRows, _prefillChunkRows;
    readonly int _dim, _kvDim, _vocab;
    readonly float _eps;
    readonly PinnedBuffer<float> _keys, _values; // [layer, row, kvHead, ...]: keys in AttentionKernel's blocks, values [capacity, headDim]
    readonly PinnedBuffer<int> _tokens;       // [B, promptLength] prompt ids, then [B] the step's tokens
    readonly int[] _firstReal;            // cache index of each row's first real token (after left padding)
    readonly WorkerScratch[] _scratch;    // one per worker that can run at once
    readonly ConcurrentBag<WorkerScratch> _idleScratch;
    readonly Tensor _logits;
    readonly float* _logitsData;
    readonly int _torchThreadsBefore;
    int _length;

    // Several chunks of rows per worker, so a worker the OS preempts (a busy machine) holds up a small share of a
    // step instead of half of it: whoever is running takes the next chunk.
    const int ChunksPerWorker = 4;

    /// <summary>A decoder for this generation, or null where the torch path must run.</summary>
    /// <param name="threads">workers to use; torch's configured thread count unless a test asks for more.</param>
    public static FusedLlamaDecoder? TryCreate(CausalLanguageModel model, GenerationOptions options, int batch, int promptLength, int capacity,
        int? threads = null)
    {
        if (FusedCpuEligibility.WhyNot(model, options) is not null) return null;
        var config = ((LlamaForCausalLM)model).Config;
        // A cache larger than one array can hold stays with the torch path, which has no such limit.
        long cacheFloats = (long)config.NumHiddenLayers * batch * config.KeyValueHeads * config.HeadDim * (capacity + AttentionKernel.Block);
        if (cacheFloats > Array.MaxLength) return null;
        return new FusedLlamaDecoder((LlamaForCausalLM)model, batch, promptLength, capacity, threads ?? torch.get_num_threads());
    }

    FusedLlamaDecoder(LlamaForCausalLM model, int batch, int promptLength, int capacity, int threads)
    {
        _config = model.Config;
        _batch = batch;
        _promptLength = promptLength;
        _positions = capacity;
        // Rounded up to whole key blocks, so scoring a block never reads past a head's keys.
        _capacity = (capacity + AttentionKernel.Block - 1) / AttentionKernel.Block * AttentionKernel.Block;
        _dim = _config.HiddenSize;
        _kvDim = _config.KeyValueHeads * _config.HeadDim;
        _vocab = _config.VocabSize;
        _eps = (float)_config.RmsNormEps;
        _threads = Math.Clamp(threads, 1, Environment.ProcessorCount);
        _workers = Math.Min(_threads, batch);
        int chunks = _workers == 1 ? 1 : Math.Min(batch, _workers * ChunksPerWorker);
        _decodeChunkRows = (batch + chunks - 1) / chunks;
        int scratchRows = Math.Max(promptLength, _decodeChunkRows);
        // As many whole prompts per chunk as fit the scratch, so short prompts still make multi-row matmuls.
        _prefillChunkRows = Math.Clamp(scratchRows / promptLength, 1, _decodeChunkRows);
        _weights = new LlamaWeightViews(model);
        _layers = new FusedLlamaLayers(_config, _weights);

        long cacheSize = (long)_config.NumHiddenLayers * batch * _kvDim * _capacity;
        _keys = new PinnedBuffer<float>(cacheSize);
        _values = new PinnedBuffer<float>(cacheSize);
        _tokens = new PinnedBuffer<int>((long)batch * promptLength);
        _firstReal = new int[batch];
        _scratch = Enumerable.Range(0, _workers).Select(_ => new WorkerScratch(scratchRows, _config, _capacity)).ToArray();
        _idleScratch = new ConcurrentBag<WorkerScratch>(_scratch);
        // libtorch's OpenMP threads spin for a while after every parallel op; between sampling steps they would take
        // the cores these workers need (measured: 2 threads 4x slower than 1). The sampler's ops on [B, V] are small,
        // so this thread runs them on one thread while the workers exist, and gets its setting back on Dispose.
        _logits = empty([batch, _vocab], ScalarType.Float32).DetachFromDisposeScope();
        fixed (byte* data = _logits.bytes) _logitsData = (float*)data;
        // Last, so a constructor that fails earlier never leaves the setting changed.
        _torchThreadsBefore = torch.get_num_threads();
        if (_threads > 1) torch.set_num_threads(1);
    }

    /// <summary>Runs the left-padded prompts through the model, filling the cache; returns [B, V] next-token logits.</summary>
    public Tensor Prefill(IReadOnlyList<IReadOnlyList<int>> prompts, int padTokenId)
    {
        if (prompts.Count != _batch || prompts.Any(p => p.Count > _promptLength))
            throw new ArgumentException("the prompts do not match the batch this decoder was made for", nameof(prompts));
        int* ids = _tokens.Pointer;
        for (int b = 0; b < _batch; b++)
        {
            var prompt = prompts[b];
            _firstReal[b] = _promptLength - prompt.Count;
            for (int t = 0; t < _promptLength; t++)
                ids[b * _promptLength + t] = CheckToken(t < _firstReal[b] ? padTokenId : prompt[t - _firstReal[b]]);
        }
        RunChunks(_prefillChunkRows, (scratch, first, count) => Forward(scratch, first, count, 0, _promptLength, ids + first * _promptLength));
        _length = _promptLength;
        return _logits;
    }

    /// <summary>Feeds one token per row ([B] int64) at the next cache position; returns [B, V] next-token logits.</summary>
    public Tensor Decode(Tensor tokens)
    {
        if (_length >= _positions) throw new InvalidOperationException($"the fused decoder was made for {_positions} positions");
        if (tokens.numel() != _batch) throw new ArgumentException($"expected {_batch} tokens, got {tokens.numel()}", nameof(tokens));
        using var contiguous = tokens.to(ScalarType.Int64).contiguous();
        var source = MemoryMarshal.Cast<byte, long>(contiguous.bytes);
        int* ids = _tokens.Pointer;
        for (int b = 0; b < _batch; b++) ids[b] = CheckToken(source[b]);
        int index = _length;
        RunChunks(_decodeChunkRows, (scratch, first, count) => Forward(scratch, first, count, index, 1, ids + first));
        _length++;
        return _logits;
    }

    int CheckToken(long id) => id >= 0 && id < _vocab
        ? (int)id
        : throw new ArgumentOutOfRangeException(nameof(id), id, $"token id outside the vocabulary of {_vocab}");

    /// <summary>Runs the batch in chunks of rows; each running worker holds one scratch for all the chunks it takes.</summary>
    void RunChunks(int rowsPerChunk, Action<WorkerScratch, int, int> work)
    {
        int chunks = (_batch + rowsPerChunk - 1) / rowsPerChunk;
        if (_workers == 1 || chunks == 1)
        {
            for (int first = 0; first < _batch; first += rowsPerChunk) work(_scratch[0], first, Math.Min(rowsPerChunk, _batch - first));
            return;
        }
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = _workers },
            () => _idleScratch.TryTake(out var scratch) ? scratch : throw new InvalidOperationException("more workers than scratch buffers"),
            (chunk, _, scratch) =>
            {
                int first = chunk * rowsPerChunk;
                work(scratch, first, Math.Min(rowsPerChunk, _batch - first));
                return scratch;
            },
            _idleScratch.Add);
    }

    /// <summary>
    /// Rows [firstRow, firstRow + rowCount) at cache positions [firstIndex, firstIndex + steps), token ids [rowCount,
    /// steps]; writes each row's last-position logits.
    /// </summary>
    void Forward(WorkerScratch s, int firstRow, int rowCount, int firstIndex, int steps, int* tokens)
    {
        int matmulThreads = _workers == 1 ? _threads : 1;
        long layerStride = (long)_batch * _kvDim * _capacity, rowStride = (long)_kvDim * _capacity;
        var cache = new KvCacheRows(_keys.Pointer + firstRow * rowStride, _values.Pointer + firstRow * rowStride, layerStride, rowStride, _capacity);
        _layers.Run(s, tokens, rowCount, steps, firstIndex, cache, _firstReal.AsSpan(firstRow, rowCount), matmulThreads);

        // Only each row's last position is sampled from: normalise those into consecutive rows and project.
        for (int i = 0; i < rowCount; i++)
            RmsNormKernel.Normalize(s.Hidden + (long)(i * steps + steps - 1) * _dim, s.Normed + (long)i * _dim, 1, _dim, _weights.FinalNorm, _eps);
        MatMulKernel.Multiply(s.Normed, rowCount, _dim, _weights.LanguageModelHead, null, _vocab, _logitsData + (long)firstRow * _vocab, matmulThreads);
    }

    public void Dispose()
    {
        if (_threads > 1) torch.set_num_threads(_torchThreadsBefore);
        _logits.Dispose();
        _weights.Dispose();
    }
}
