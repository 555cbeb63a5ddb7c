using System.Text;
using System.Text.Json;
using Preference.Core.Domain;
using Preference.Models.Tokenization;

namespace Preference.Models.Tests.Tokenization;

public class ModelTokenizerTests
{
    static readonly ModelTokenizer Tok512 = TokenizerLoader.Load(Stories260K.Tokenizer);

    static (int[] Tokens, string Text) Reference()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Stories260K.ReferenceFile));
        return ([.. json.RootElement.GetProperty("greedy_next_tokens_64").EnumerateArray().Select(e => e.GetInt32())],
            json.RootElement.GetProperty("greedy_text").GetString()!);
    }

    [Fact]
    public void A_llama2c_tokenizer_reports_its_special_ids_and_falls_back_to_eos_for_padding()
    {
        Assert.Equal("llama2c", Tok512.Format);
        Assert.Equal(512, Tok512.VocabSize);
        Assert.Equal(1, Tok512.BosId);
        Assert.Equal(2, Tok512.EosId);
        Assert.Equal(2, Tok512.PadId);
        Assert.False(Tok512.HasPad);
    }

    [Fact]
    public void Encode_adds_bos_by_default_and_eos_on_request()
    {
        Assert.Equal([1, 346, 306, 414, 263, 304, 341], Tok512.Encode("Hello world"));
        Assert.Equal([346, 306, 414, 263, 304, 341, 2], Tok512.Encode("Hello world", addBos: false, addEos: true));
    }

    [Fact]
    public void Decode_skips_bos_eos_and_pad()
    {
        Assert.Equal("Hello world", Tok512.Decode([1, 346, 306, 414, 263, 304, 341, 2, 2]));
    }

    [Fact]
    public void Decode_rejects_ids_outside_the_vocabulary()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Tok512.Decode([1, 512]));
    }

    [Fact]
    public void IdToPiece_gives_the_stored_piece()
    {
        Assert.Equal(" Once", Tok512.IdToPiece(403));
        Assert.Equal("<0x0A>", Tok512.IdToPiece(13));
        Assert.Null(Tok512.IdToPiece(9999));
    }

    [Fact]
    public void A_model_directory_loads_the_llama2c_tokenizer_beside_the_model()
    {
        var tokenizer = TokenizerLoader.Load(Path.GetDirectoryName(Stories260K.Tokenizer)!);

        Assert.Equal(Tok512.Encode("Once upon a time"), tokenizer.Encode("Once upon a time"));
    }

    [Fact]
    public void Streaming_the_reference_tokens_prints_exactly_the_reference_text()
    {
        var (tokens, text) = Reference();
        var stream = Tok512.CreateStreamDecoder();
        var printed = new StringBuilder(stream.Push(Tok512.BosId));

        foreach (int token in tokens) printed.Append(stream.Push(token));
        printed.Append(stream.Flush());

        Assert.Equal(text, printed.ToString());
    }

    [Fact]
    public void Streaming_holds_back_a_character_split_across_byte_tokens_until_it_is_complete()
    {
        var ids = Tok512.Encode("Lily 日", addBos: false); // "日" is three byte-fallback tokens
        var stream = Tok512.CreateStreamDecoder();

        var pieces = ids.Select(stream.Push).ToList();

        Assert.Equal(["", ""], pieces[^3..^1]);
        Assert.Equal("日", pieces[^1]);
        Assert.Equal("Lily 日", string.Concat(pieces) + stream.Flush());
        Assert.DoesNotContain(pieces, p => p.Contains('\uFFFD'));
    }

    [Fact]
    public void Llama2c_models_default_to_the_human_assistant_dialogue()
    {
        var ids = Tok512.EncodeChat([new Message("user", "Hi")], addGenerationPrompt: true);

        Assert.Equal(1, ids[0]);
        Assert.Equal("\n\nHuman: Hi\n\nAssistant:", Tok512.Decode(ids));
    }
}
