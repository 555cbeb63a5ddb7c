using Preference.Core.Domain;
using Preference.Models.Tokenization;

namespace Preference.Models.Tests.Tokenization;

public class HfTokenizerJsonTests
{
    // GPT-2 style: byte-level alphabet (space is 'Ġ'), merges in rank order, one added special token.
    const string ByteLevelJson = """
    {
      "version": "1.0",
      "added_tokens": [ { "id": 15, "content": "<|endoftext|>", "special": true } ],
      "normalizer": null,
      "pre_tokenizer": { "type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true },
      "decoder": { "type": "ByteLevel" },
      "model": {
        "type": "BPE", "dropout": null, "unk_token": null, "continuing_subword_prefix": "", "end_of_word_suffix": "", "fuse_unk": false,
        "vocab": { "h": 0, "e": 1, "l": 2, "o": 3, "Ġ": 4, "w": 5, "r": 6, "d": 7, "he": 8, "ll": 9, "hell": 10, "hello": 11, "Ġw": 12, "or": 13, "Ġworld": 14, "<|endoftext|>": 15, "Ġwor": 16, "Ġworl": 17 },
        "merges": [ "h e", "l l", "he ll", "hell o", "Ġ w", "o r", "Ġw or", "Ġwor l", "Ġworl d" ]
      }
    }
    """;

    // Llama / TinyLlama style: "▁" prefix and spaces, byte fallback pieces <0xXX> at 3..258, merges as pairs.
    static string SentencePieceStyleJson()
    {
        var vocab = new List<string> { "\"<unk>\": 0", "\"<s>\": 1", "\"</s>\": 2" };
        for (int b = 0; b < 256; b++) vocab.Add($"\"<0x{b:X2}>\": {b + 3}");
        string[] pieces = ["▁", "h", "e", "l", "o", "▁h", "▁he", "ll", "▁hell", "▁hello"];
        for (int i = 0; i < pieces.Length; i++) vocab.Add($"\"{pieces[i]}\": {259 + i}");
        return $$"""
        {
          "added_tokens": [ { "id": 0, "content": "<unk>", "special": true }, { "id": 1, "content": "<s>", "special": true }, { "id": 2, "content": "</s>", "special": true } ],
          "normalizer": { "type": "Sequence", "normalizers": [ { "type": "Prepend", "prepend": "▁" }, { "type": "Replace", "pattern": { "String": " " }, "content": "▁" } ] },
          "pre_tokenizer": null,
          "model": {
            "type": "BPE", "unk_token": "<unk>", "fuse_unk": true, "byte_fallback": true,
            "vocab": { {{string.Join(", ", vocab)}} },
            "merges": [ ["▁", "h"], ["▁h", "e"], ["l", "l"], ["▁he", "ll"], ["▁hell", "o"] ]
          }
        }
        """;
    }

    const string QwenStyleConfig = """
    { "eos_token": "<|endoftext|>", "pad_token": "<|endoftext|>", "bos_token": null,
      "chat_template": "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}",
      "added_tokens_decoder": { "15": { "content": "<|endoftext|>", "special": true }, "18": { "content": "<|im_start|>", "special": true }, "19": { "content": "<|im_end|>", "special": true } } }
    """;

    static ModelTokenizer Write(TempDirectory dir, string tokenizerJson, string? config = null)
    {
        File.WriteAllText(dir.File("tokenizer.json"), tokenizerJson);
        if (config is not null) File.WriteAllText(dir.File("tokenizer_config.json"), config);
        return TokenizerLoader.Load(dir.Path);
    }

    [Fact]
    public void Byte_level_bpe_applies_merges_in_rank_order()
    {
        using var dir = new TempDirectory();
        var tokenizer = Write(dir, ByteLevelJson);

        Assert.Equal("hf-bpe-bytelevel", tokenizer.Format);
        Assert.Equal([11, 14], tokenizer.Encode("hello world", addBos: false));
        Assert.Equal([10, 16, 7], tokenizer.Encode("hell word", addBos: false)); // "Ġw"+"or" merges; no "Ġwor d" merge
    }

    [Fact]
    public void Byte_level_bpe_decodes_the_space_marker_back_to_spaces()
    {
        using var dir = new TempDirectory();
        var tokenizer = Write(dir, ByteLevelJson);

        Assert.Equal("hello world", tokenizer.Decode([11, 14]));
        Assert.Equal("Ġworld", tokenizer.IdToPiece(14));
    }

    [Fact]
    public void Added_tokens_in_text_encode_as_one_id()
    {
        using var dir = new TempDirectory();
        var tokenizer = Write(dir, ByteLevelJson);

        Assert.Equal([11, 15, 11], tokenizer.Encode("hello<|endoftext|>hello", addBos: false));
        Assert.DoesNotContain(15, tokenizer.Encode("hello<|endoftext|>", addBos: false, parseSpecialTokens: false));
    }

    [Fact]
    public void Tokenizer_config_supplies_eos_pad_added_tokens_and_the_chat_template()
    {
        using var dir = new TempDirectory();
        var tokenizer = Write(dir, ByteLevelJson, QwenStyleConfig);

        Assert.False(tokenizer.HasBos);
        Assert.Equal(15, tokenizer.EosId);
        Assert.Equal(15, tokenizer.PadId);
        Assert.True(tokenizer.HasPad);
        Assert.Equal(20, tokenizer.VocabSize);
        Assert.IsType<ChatMlChatTemplate>(tokenizer.ChatTemplate);
        Assert.Equal(18, tokenizer.EncodeChat([new Message("user", "hello")])[0]);
    }

    [Fact]
    public void Sentencepiece_style_bpe_adds_the_prefix_and_merges_by_rank()
    {
        using var dir = new TempDirectory();
        var tokenizer = Write(dir, SentencePieceStyleJson());

        Assert.Equal("hf-bpe-sentencepiece", tokenizer.Format);
        Assert.Equal(1, tokenizer.BosId);
        Assert.Equal(2, tokenizer.EosId);
        Assert.Equal([1, 268], tokenizer.Encode("hello"));
        Assert.Equal([268, 268], tokenizer.Encode("hello hello", addBos: false));
    }

    [Fact]
    public void Sentencepiece_style_bpe_falls_back_to_bytes_and_decodes_them()
    {
        using var dir = new TempDirectory();
        var tokenizer = Write(dir, SentencePieceStyleJson());

        var ids = tokenizer.Encode("hé", addBos: false);

        Assert.Equal([264, 0xC3 + 3, 0xA9 + 3], ids);
        Assert.Equal("hé", tokenizer.Decode(ids));
    }

    [Fact]
    public void A_tokenizer_json_that_is_not_json_is_rejected_naming_the_file()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("tokenizer.json"), "{ \"model\": ");

        var error = Assert.Throws<TokenizerFormatException>(() => TokenizerLoader.Load(dir.File("tokenizer.json")));

        Assert.Equal(dir.File("tokenizer.json"), error.Path);
        Assert.Contains("JSON", error.Problem);
    }

    [Fact]
    public void A_non_bpe_model_is_rejected_with_its_type()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("tokenizer.json"), """{ "model": { "type": "WordPiece", "vocab": { "a": 0 } } }""");

        var error = Assert.Throws<TokenizerFormatException>(() => TokenizerLoader.Load(dir.Path));

        Assert.Contains("WordPiece", error.Problem);
    }

    [Fact]
    public void A_malformed_merge_is_reported_with_its_index()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("tokenizer.json"), ByteLevelJson.Replace("\"o r\"", "\"o r x\""));

        var error = Assert.Throws<TokenizerFormatException>(() => TokenizerLoader.Load(dir.Path));

        Assert.Contains("merges[5]", error.Problem);
    }

    [Fact]
    public void A_config_naming_an_eos_token_outside_the_vocabulary_is_rejected()
    {
        using var dir = new TempDirectory();

        var error = Assert.Throws<TokenizerFormatException>(() => Write(dir, ByteLevelJson, """{ "eos_token": "<|nope|>" }"""));

        Assert.Contains("<|nope|>", error.Problem);
    }
}
