using System.Text;
using Preference.Models.Tokenization;

namespace Preference.Models.Tests.Tokenization;

public class SentencePieceAndTiktokenTests
{
    /// <summary>tok512's pieces as a real SentencePiece ModelProto: spaces back to "▁", byte and control types restored.</summary>
    static byte[] Tok512AsSentencePieceModel()
    {
        var file = Llama2cTokenizerFile.Read(Stories260K.Tokenizer, 512);
        var pieces = new SentencePieceEntry[512];
        for (int id = 0; id < 512; id++)
        {
            string text = Encoding.UTF8.GetString(file.Pieces[id]).Replace(' ', '\u2581');
            pieces[id] = id switch
            {
                0 => new SentencePieceEntry("<unk>", 0, SentencePieceType.Unknown),
                1 => new SentencePieceEntry("<s>", 0, SentencePieceType.Control),
                2 => new SentencePieceEntry("</s>", 0, SentencePieceType.Control),
                < 259 => new SentencePieceEntry(text, 0, SentencePieceType.Byte),
                _ => new SentencePieceEntry(text, file.Scores[id]),
            };
        }
        return new SentencePieceModel { Pieces = pieces }.ToBytes();
    }

    [Theory]
    [InlineData("Once upon a time, there was a little girl named Lily.")]
    [InlineData("She loved to play outside in the park. One day, she saw a big, red ball.")]
    [InlineData("Tom said, \"I want to go home!\"")]
    public void A_sentencepiece_model_of_tok512_encodes_like_llama2c(string text)
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("tokenizer.model"), Tok512AsSentencePieceModel());
        var sentencePiece = TokenizerLoader.Load(dir.Path);
        var llama2c = TokenizerLoader.Load(Stories260K.Tokenizer);

        Assert.Equal("sentencepiece", sentencePiece.Format);
        Assert.Equal(llama2c.Encode(text), sentencePiece.Encode(text));
        Assert.Equal(text, sentencePiece.Decode(sentencePiece.Encode(text)));
    }

    [Fact]
    public void A_sentencepiece_model_reports_bos_eos_and_matches_them_in_text()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("tokenizer.model"), Tok512AsSentencePieceModel());
        var tokenizer = TokenizerLoader.Load(dir.File("tokenizer.model"));

        Assert.Equal((1, 2, 512), (tokenizer.BosId, tokenizer.EosId, tokenizer.VocabSize));
        Assert.Equal([1, 1], tokenizer.Encode("<s>"));
        Assert.Equal("\u2581Once", tokenizer.IdToPiece(403));
    }

    [Fact]
    public void A_tokenizer_config_with_add_bos_token_false_puts_no_bos_before_text()
    {
        // GPT-2-style tokenizers name a BOS but never put it before text; transformers honours add_bos_token: false.
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("tokenizer.model"), Tok512AsSentencePieceModel());
        File.WriteAllText(dir.File("tokenizer_config.json"), """{ "bos_token": "<s>", "eos_token": "</s>", "add_bos_token": false }""");
        var tokenizer = TokenizerLoader.Load(dir.Path);
        var llama2c = TokenizerLoader.Load(Stories260K.Tokenizer);

        Assert.Equal(1, tokenizer.BosId);
        Assert.False(tokenizer.AddsBos);
        Assert.Equal(llama2c.Encode("Once upon a time", addBos: false), tokenizer.Encode("Once upon a time", addBos: true));
    }

    [Fact]
    public void A_sentencepiece_completion_decoded_after_its_prompt_keeps_its_leading_space()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("tokenizer.model"), Tok512AsSentencePieceModel());
        var tokenizer = TokenizerLoader.Load(dir.Path);
        var prompt = tokenizer.Encode("The dog");
        var whole = tokenizer.Encode("The dog was happy.");

        Assert.Equal(" was happy.", tokenizer.DecodeContinuation(prompt, whole.Skip(prompt.Count).ToList()));
    }

    [Fact]
    public void Byte_fallback_in_a_sentencepiece_model_round_trips_multibyte_text()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("tokenizer.model"), Tok512AsSentencePieceModel());
        var tokenizer = TokenizerLoader.Load(dir.Path);

        var ids = tokenizer.Encode("Lily 日本", addBos: false);

        Assert.Contains(0xE6 + 3, ids);
        Assert.Equal("Lily 日本", tokenizer.Decode(ids));
    }

    [Fact]
    public void A_tokenizer_model_that_is_not_a_protobuf_is_rejected_naming_the_file()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("tokenizer.model"), [0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x01]);

        var error = Assert.Throws<TokenizerFormatException>(() => TokenizerLoader.Load(dir.Path));

        Assert.Equal(dir.File("tokenizer.model"), error.Path);
    }

    static string WriteTiktoken(TempDirectory dir, string name = "tiny.tiktoken")
    {
        // rank order is merge priority: "ab" before "abc"; " a" joins a space to the next word.
        string[] tokens = ["a", "b", "c", " ", "ab", "abc", " a", "!"];
        File.WriteAllLines(dir.File(name), tokens.Select((t, rank) => $"{Convert.ToBase64String(Encoding.UTF8.GetBytes(t))} {rank}"));
        return dir.File(name);
    }

    [Fact]
    public void A_tiktoken_file_merges_by_rank_and_decodes_back()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("tokenizer_config.json"), """{ "eos_token": "<|end|>", "added_tokens_decoder": { "8": { "content": "<|end|>", "special": true } } }""");
        var tokenizer = TokenizerLoader.Load(WriteTiktoken(dir));

        Assert.Equal("tiktoken", tokenizer.Format);
        // "abc" | " ab" | "!" by the split pattern; in " ab" the pair "ab" (rank 4) merges before " a" (rank 6).
        Assert.Equal([5, 3, 4, 7], tokenizer.Encode("abc ab!", addBos: false));
        Assert.Equal("abc ab!", tokenizer.Decode(tokenizer.Encode("abc ab!")));
    }

    [Fact]
    public void Tiktoken_special_tokens_come_from_tokenizer_config()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("tokenizer_config.json"), """{ "eos_token": "<|end|>", "added_tokens_decoder": { "8": { "content": "<|end|>", "special": true } } }""");
        var tokenizer = TokenizerLoader.Load(WriteTiktoken(dir));

        Assert.Equal(8, tokenizer.EosId);
        Assert.Equal(9, tokenizer.VocabSize);
        Assert.Equal([5, 8], tokenizer.Encode("abc<|end|>", addBos: false));
    }

    [Fact]
    public void A_damaged_tiktoken_line_is_reported_with_its_number()
    {
        using var dir = new TempDirectory();
        string path = WriteTiktoken(dir);
        File.AppendAllText(path, "not-base64!! 9\n");

        var error = Assert.Throws<TokenizerFormatException>(() => TokenizerLoader.Load(path));

        Assert.Equal(path, error.Path);
        Assert.Contains("line 9", error.Problem);
    }
}
