using System.Text.Json;
using Preference.Models.Tests.Loading;
using Preference.Models.Tokenization;

namespace Preference.Models.Tests.Tokenization;

/// <summary>The bundled llama2.c tokenizer written as transformers' tokenizer files, and read back.</summary>
public class HuggingFaceTokenizerFilesTests
{
    static string Tok512 => Path.Combine(Path.GetDirectoryName(ModelBundle.EmbeddedDefaultPath)!, "tok512.bin");

    static readonly string[] Texts =
    [
        "Once upon a time, there was a little girl named Lily. She loved to play outside.",
        "The dog  ran\nand ran.\n\nThe end!",
        "  leading spaces, trailing ones  ",
        "Numbers 1234567890 and symbols #$%&*()[]{}<>@~",
        "Unicode: café, naïve, 日本語, emoji 🙂 and ß",
        "\n\nHuman: What is a cat?\n\nAssistant: A cat is a small animal.",
        "a",
        "",
    ];

    [Theory]
    [InlineData(HuggingFaceTokenizerFiles.TokenizerJson)]
    [InlineData(HuggingFaceTokenizerFiles.SentencePieceModel)]
    public void A_converted_llama2c_tokenizer_encodes_and_decodes_as_the_original(string file)
    {
        using var dir = new TempDirectory();
        var original = TokenizerLoader.LoadLlama2c(Tok512, 512);
        HuggingFaceTokenizerFiles.Write(original, dir.Path, modelMaxLength: 512);

        var converted = TokenizerLoader.Load(dir.File(file));

        Assert.Equal(original.VocabSize, converted.VocabSize);
        Assert.Equal((1, 2), (converted.BosId, converted.EosId));
        foreach (var text in Texts)
        {
            var ids = original.Encode(text, addBos: true);
            Assert.Equal(ids, converted.Encode(text, addBos: true));
            Assert.Equal(original.Decode(ids), converted.Decode(ids));
        }
    }

    [Fact]
    public void The_written_files_carry_the_fields_transformers_reads()
    {
        using var dir = new TempDirectory();
        HuggingFaceTokenizerFiles.Write(TokenizerLoader.LoadLlama2c(Tok512, 512), dir.Path, modelMaxLength: 512);

        var config = JsonDocument.Parse(File.ReadAllText(dir.File("tokenizer_config.json"))).RootElement;
        Assert.Equal("LlamaTokenizer", config.GetProperty("tokenizer_class").GetString());
        Assert.Equal(("<s>", "</s>", "<unk>", "<unk>"), (config.GetProperty("bos_token").GetString(), config.GetProperty("eos_token").GetString(),
            config.GetProperty("unk_token").GetString(), config.GetProperty("pad_token").GetString()));
        Assert.True(config.GetProperty("add_bos_token").GetBoolean());
        Assert.False(config.GetProperty("add_eos_token").GetBoolean());
        Assert.Equal(512, config.GetProperty("model_max_length").GetInt32());
        Assert.Equal("</s>", config.GetProperty("added_tokens_decoder").GetProperty("2").GetProperty("content").GetString());
        Assert.Contains("Assistant:", config.GetProperty("chat_template").GetString());

        var json = JsonDocument.Parse(File.ReadAllText(dir.File("tokenizer.json"))).RootElement;
        var model = json.GetProperty("model");
        Assert.Equal("BPE", model.GetProperty("type").GetString());
        Assert.True(model.GetProperty("byte_fallback").GetBoolean());
        Assert.Equal(512, model.GetProperty("vocab").EnumerateObject().Count());
        Assert.Equal(13, model.GetProperty("vocab").GetProperty("<0x0A>").GetInt32());
        // Every merge joins two pieces into a third, so BPE can only build pieces of the vocabulary.
        var vocab = model.GetProperty("vocab").EnumerateObject().Select(p => p.Name).ToHashSet();
        var merges = model.GetProperty("merges").EnumerateArray().Select(m => m.GetString()!.Split(' ')).ToList();
        Assert.NotEmpty(merges);
        Assert.All(merges, m =>
        {
            Assert.Equal(2, m.Length);
            Assert.Contains(m[0] + m[1], vocab);
        });
        Assert.Equal(["<unk>", "<s>", "</s>"], json.GetProperty("added_tokens").EnumerateArray().Select(t => t.GetProperty("content").GetString()));

        var map = JsonDocument.Parse(File.ReadAllText(dir.File("special_tokens_map.json"))).RootElement;
        Assert.Equal("</s>", map.GetProperty("eos_token").GetString());
        Assert.True(new FileInfo(dir.File("tokenizer.model")).Length > 512 * 4);
    }

    [Fact]
    public void A_tokenizer_read_from_hugging_face_files_is_copied_as_it_came()
    {
        using var source = new TempDirectory();
        using var target = new TempDirectory();
        HuggingFaceTokenizerFiles.Write(TokenizerLoader.LoadLlama2c(Tok512, 512), source.Path);
        var loaded = TokenizerLoader.Load(source.Path);

        HuggingFaceTokenizerFiles.Write(loaded, target.Path);

        foreach (var name in new[] { "tokenizer.json", "tokenizer.model", "tokenizer_config.json", "special_tokens_map.json" })
            Assert.Equal(File.ReadAllBytes(source.File(name)), File.ReadAllBytes(target.File(name)));
    }
}
