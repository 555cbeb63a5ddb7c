using Preference.Models.Tokenization;

namespace Preference.Models.Generation;

/// <summary>One generated completion: its text, its tokens and whether it ended on its own (EOS or a stop string).</summary>
public sealed record Completion(string Prompt, string Text, IReadOnlyList<int> TokenIds, bool Finished, double SumLogProb);

/// <summary>Strings in, strings out: tokenizes prompts, generates in batches and decodes, for the CLI and the pipeline.</summary>
public sealed class TextGenerator(CausalLanguageModel model, ModelTokenizer tokenizer)
{
    public IReadOnlyList<Completion> Generate(IReadOnlyList<string> prompts, GenerationOptions options,
        IReadOnlyList<string>? stopStrings = null, int batchSize = 64, CancellationToken cancellationToken = default)
    {
        var stops = stopStrings is { Count: > 0 } ? new StopStrings(tokenizer, stopStrings) : null;
        options = options with
        {
            EosTokenId = options.EosTokenId ?? tokenizer.EosId,
            PadTokenId = tokenizer.PadId,
            TokenizerVocabSize = tokenizer.VocabSize,
            Watcher = stops ?? options.Watcher,
        };
        var results = new List<Completion>(prompts.Count);
        for (int start = 0; start < prompts.Count; start += batchSize)
        {
            var batch = prompts.Skip(start).Take(batchSize).ToList();
            var encoded = batch.Select(p => tokenizer.Encode(p, addBos: true)).ToList();
            using var output = BatchGenerator.Generate(model, encoded, options with { Seed = options.Seed + start }, cancellationToken);
            var tokens = output.CompletionTokens(options.EosTokenId);
            var finished = output.Finished.cpu().data<bool>().ToArray();
            var logProbs = output.CompletionLogProbs.sum(1).cpu().data<float>().ToArray();
            for (int i = 0; i < batch.Count; i++)
            {
                // Decoded after its prompt, so the first word keeps its leading space.
                var text = tokenizer.DecodeContinuation(encoded[i], tokens[i]);
                if (stops is not null) text = stops.Truncate(text);
                results.Add(new Completion(batch[i], text, tokens[i], finished[i], logProbs[i]));
            }
        }
        return results;
    }

    /// <summary>Generates one completion, handing each piece of text to <paramref name="onText"/> as soon as it is decoded.</summary>
    public Completion Stream(string prompt, GenerationOptions options, Action<string> onText,
        IReadOnlyList<string>? stopStrings = null, CancellationToken cancellationToken = default)
    {
        var printer = new StreamingPrinter(tokenizer, tokenizer.Encode(prompt, addBos: true), onText,
            stopStrings is { Count: > 0 } ? new StopStrings(tokenizer, stopStrings) : null);
        var completion = Generate([prompt], options with { Watcher = printer }, stopStrings: null, cancellationToken: cancellationToken)[0];
        printer.Finish();
        return printer.Stops is null ? completion : completion with { Text = printer.Stops.Truncate(completion.Text) };
    }

    /// <summary>
    /// Prints text as tokens arrive, holding back the last few characters while they could still be the start of a
    /// stop string, so a stop string is never printed.
    /// </summary>
    sealed class StreamingPrinter(ModelTokenizer tokenizer, IReadOnlyList<int> prompt, Action<string> onText, StopStrings? stops)
        : IGenerationWatcher
    {
        readonly TokenStreamDecoder _decoder = tokenizer.CreateStreamDecoder(prompt);
        readonly int _holdBack = stops is null ? 0 : stops.MaxLength - 1;
        string _pending = "";
        bool _stopped;

        public StopStrings? Stops => stops;

        public bool OnToken(int row, IReadOnlyList<int> generated)
        {
            if (generated[^1] == tokenizer.EosId) return false;
            _pending += _decoder.Push(generated[^1]);
            if (stops?.FirstIndexIn(_pending) is { } cut)
            {
                onText(_pending[..cut]);
                _pending = "";
                _stopped = true;
                return true;
            }
            if (_pending.Length > _holdBack)
            {
                onText(_pending[..^_holdBack]);
                _pending = _pending[^_holdBack..];
            }
            return false;
        }

        public void Finish()
        {
            if (_stopped) return;
            onText(stops?.Truncate(_pending + _decoder.Flush()) ?? _pending + _decoder.Flush());
        }
    }
}
