using System.Text;
using Preference.Models.Generation;
using Preference.Models.Llama;
using Preference.Models.Loading;
using Preference.Models.Tests.Loading;
using Preference.Models.Tokenization;

namespace Preference.Models.Tests.Generation;

/// <summary>The text of a completion is what follows its prompt: prompt + completion reads as the model's tokens do.</summary>
public sealed class CompletionTextTests : IDisposable
{
    readonly ModelBundle _bundle = ModelBundle.Load(null, TorchSharp.torch.CPU);

    static GenerationOptions Greedy => new() { MaxNewTokens = 16, Temperature = 0 };

    [Fact]
    public void A_greedy_completion_keeps_the_space_before_its_first_word()
    {
        var tokenizer = _bundle.Tokenizer;
        var completion = new TextGenerator(_bundle.Model, tokenizer).Generate(["The dog"], Greedy)[0];

        Assert.StartsWith(" ", completion.Text);
        var prompt = tokenizer.Encode("The dog", addBos: true);
        Assert.Equal(tokenizer.Decode([.. prompt, .. completion.TokenIds]), "The dog" + completion.Text);
    }

    [Fact]
    public void Streamed_text_is_the_completion_text()
    {
        var printed = new StringBuilder();
        var completion = new TextGenerator(_bundle.Model, _bundle.Tokenizer).Stream("The dog", Greedy, piece => printed.Append(piece));

        Assert.StartsWith(" ", printed.ToString());
        Assert.Equal(completion.Text, printed.ToString());
    }

    [Fact]
    public void A_completion_of_an_empty_prompt_starts_at_its_first_word()
    {
        var completion = new TextGenerator(_bundle.Model, _bundle.Tokenizer).Generate([""], Greedy)[0];

        Assert.StartsWith("Once upon a time", completion.Text);
    }

    [Fact]
    public void A_character_split_between_prompt_and_completion_belongs_to_the_completion()
    {
        var tokenizer = _bundle.Tokenizer;
        var ids = tokenizer.Encode("Lily 日", addBos: true); // "日" is three byte-fallback tokens

        for (int split = ids.Count - 3; split < ids.Count; split++)
        {
            var prompt = ids.Take(split).ToList();
            var continuation = tokenizer.DecodeContinuation(prompt, ids.Skip(split).ToList());
            // The prompt alone shows its part of the character as replacement characters; the completion has it whole.
            Assert.EndsWith("日", continuation);
            Assert.Equal("Lily 日", tokenizer.Decode(prompt).TrimEnd('\uFFFD') + continuation);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_model_with_more_embedding_rows_than_tokens_only_samples_the_tokenizers_ids(bool fusedCpuKernel)
    {
        // stories260K's shape with its vocabulary padded to 1024 rows: random weights spread probability over all of
        // them, so an unmasked sampler picks ids past the 512 tokens tok512 has almost every step.
        var config = ((LlamaForCausalLM)_bundle.Model).Config with { VocabSize = 1024 };
        using var model = TinyModels.Llama(config, seed: 7);
        var generator = new TextGenerator(model, _bundle.Tokenizer);

        var completions = generator.Generate(["Once", "The dog", "Tom"],
            new GenerationOptions { MaxNewTokens = 48, Temperature = 1.0, Seed = 11, UseFusedCpuKernel = fusedCpuKernel });

        Assert.All(completions, c => Assert.All(c.TokenIds, id => Assert.InRange(id, 0, _bundle.Tokenizer.VocabSize - 1)));
        Assert.Contains(completions, c => c.TokenIds.Count > 0);
    }

    public void Dispose() => _bundle.Dispose();
}
