namespace Preference.Models.Generation;

/// <summary>How to pick each next token and when to stop.</summary>
public sealed record GenerationOptions
{
    /// <summary>Upper bound on generated tokens per sequence (default 64).</summary>
    public int MaxNewTokens { get; init; } = 64;

    /// <summary>Softmax temperature; 0 means greedy (argmax). Default 1.</summary>
    public double Temperature { get; init; } = 1.0;

    /// <summary>Keep only the k most likely tokens before sampling; 0 disables (default).</summary>
    public int TopK { get; init; }

    /// <summary>Nucleus sampling: keep the smallest set of tokens whose probability reaches p; 1 disables (default).</summary>
    public double TopP { get; init; } = 1.0;

    /// <summary>Seed for the sampling generator, so the same prompts give the same completions; null draws one.</summary>
    public long? Seed { get; init; }

    /// <summary>End a sequence when it emits this token (the tokenizer's EOS); null never stops on a token.</summary>
    public int? EosTokenId { get; init; }

    /// <summary>Token used for left padding of prompts and after a sequence has finished.</summary>
    public int PadTokenId { get; init; }

    /// <summary>
    /// The tokenizer's vocabulary size: ids at or above it are never sampled. A model's embedding may have more rows
    /// than its tokenizer has tokens (vocabularies padded to a multiple of 64, say), and an id with no text would end
    /// decoding with an error. Null samples any id of the model.
    /// </summary>
    public int? TokenizerVocabSize { get; init; }

    /// <summary>Reuse keys/values of earlier positions (default). Off recomputes the whole prefix each step.</summary>
    public bool UseKvCache { get; init; } = true;

    /// <summary>
    /// Run LLaMA-family models on the CPU in float32 through the fused decode kernel (default) instead of one libtorch
    /// call per operation; the tokens, log-probs and masks are the same. Other models, devices, dtypes and active LoRA
    /// adapters always use the torch path. Off is for comparing the two.
    /// </summary>
    public bool UseFusedCpuKernel { get; init; } = true;

    /// <summary>
    /// Optional watcher told of each new token on the CPU (stop strings, streaming to a console); it costs a copy of
    /// the new tokens from the device per step, so it is only used when given.
    /// </summary>
    public IGenerationWatcher? Watcher { get; init; }

    public bool IsGreedy => Temperature <= 0;

    public void Validate()
    {
        if (MaxNewTokens < 1) throw new ArgumentOutOfRangeException(nameof(MaxNewTokens), MaxNewTokens, "max new tokens must be at least 1");
        if (Temperature < 0 || double.IsNaN(Temperature)) throw new ArgumentOutOfRangeException(nameof(Temperature), Temperature, "temperature must be 0 (greedy) or positive");
        if (TopK < 0) throw new ArgumentOutOfRangeException(nameof(TopK), TopK, "top-k must be 0 (off) or positive");
        if (TopP is <= 0 or > 1 || double.IsNaN(TopP)) throw new ArgumentOutOfRangeException(nameof(TopP), TopP, "top-p must be in (0, 1]");
        if (TokenizerVocabSize < 1) throw new ArgumentOutOfRangeException(nameof(TokenizerVocabSize), TokenizerVocabSize, "the tokenizer's vocabulary size must be positive");
    }
}

/// <summary>Sees each generated token on the CPU and may stop its row (stop strings, streaming output).</summary>
public interface IGenerationWatcher
{
    /// <summary>Called with every token a row generated so far (the new one last); true stops that row now.</summary>
    bool OnToken(int row, IReadOnlyList<int> generated);
}
