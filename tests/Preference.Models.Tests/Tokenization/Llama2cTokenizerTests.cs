using System.Text.Json;
using Preference.Models.Tokenization;

namespace Preference.Models.Tests.Tokenization;

public class Llama2cTokenizerTests
{
    static readonly Llama2cTokenizer Tok512 = Llama2cTokenizer.Load(Stories260K.Tokenizer, 512);

    // Expected ids were produced by llama2.c's own run.c (build_tokenizer + encode(text, bos=1, eos=0)) on tok512.bin.
    public static TheoryData<string, int[]> RunCEncodings => new()
    {
        { "Once upon a time, there was a little girl named Lily.", [1, 403, 407, 261, 378, 432, 383, 286, 261, 376, 298, 315, 421, 395, 317, 426] },
        { "Hello world", [1, 346, 306, 414, 263, 304, 341] },
        { "  leading spaces and   inner   runs  ", [1, 410, 410, 278, 411, 380, 299, 262, 427, 412, 331, 419, 269, 410, 410, 322, 416, 285, 410, 410, 352, 379, 419, 410, 410] },
        { "Lily\nwent home.\n\nThe end.", [1, 317, 13, 424, 377, 270, 287, 411, 426, 13, 13, 434, 260, 344, 264, 426] },
        { "Café naïve résumé — “quotes” ™", [1, 410, 457, 412, 431, 485, 297, 412, 198, 178, 360, 352, 485, 419, 425, 423, 485, 410, 481, 410, 465, 456, 425, 309, 406, 466, 410, 507] },
        { "日本語のテキスト", [1, 410, 233, 154, 168, 233, 159, 175, 235, 173, 161, 230, 132, 177, 230, 134, 137, 230, 133, 176, 230, 133, 188, 230, 134, 139] },
        { "emoji 🙂👍🏽 mixed", [1, 344, 423, 414, 449, 417, 410, 243, 162, 156, 133, 243, 162, 148, 144, 243, 162, 146, 192, 284, 417, 444, 266] },
        { "tab\tseparated\twords", [1, 259, 412, 430, 12, 372, 427, 295, 294, 266, 12, 424, 304, 418, 419] },
        { "x", [1, 410, 444] },
        { " ", [1, 410, 410] },
        { "<s> and </s> and <0x41> literal", [1, 410, 504, 419, 505, 269, 410, 504, 492, 419, 505, 269, 410, 504, 477, 444, 484, 475, 505, 278, 275, 285, 412, 421] },
    };

    [Theory]
    [MemberData(nameof(RunCEncodings))]
    public void Encode_matches_llama2c_run_c(string text, int[] expected)
    {
        var ids = Tok512.EncodeToIds(text);

        Assert.Equal(expected[1..], ids);
    }

    [Fact]
    public void Empty_text_encodes_to_nothing_not_even_the_dummy_prefix()
    {
        Assert.Empty(Tok512.EncodeToIds(""));
    }

    [Fact]
    public void Reference_greedy_tokens_decode_to_the_reference_text()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Stories260K.ReferenceFile));
        int[] tokens = [.. json.RootElement.GetProperty("greedy_next_tokens_64").EnumerateArray().Select(e => e.GetInt32())];
        string expected = json.RootElement.GetProperty("greedy_text").GetString()!;

        Assert.Equal(expected, Tok512.Decode([Llama2cTokenizer.BosId, .. tokens]));
    }

    [Theory]
    [MemberData(nameof(RunCEncodings))]
    public void Decode_of_encode_gives_the_text_back(string text, int[] _)
    {
        Assert.Equal(text, Tok512.Decode(Tok512.EncodeToIds(text)));
    }

    [Fact]
    public void Characters_missing_from_the_vocabulary_fall_back_to_byte_tokens_at_byte_plus_three()
    {
        var ids = Tok512.EncodeToIds("日");

        Assert.Equal([410, 0xE6 + 3, 0x97 + 3, 0xA5 + 3], ids);
        Assert.Equal("<0xE6>", Tok512.Piece(0xE6 + 3));
    }

    [Fact]
    public void Token_offsets_point_back_into_the_original_text()
    {
        const string text = "Lily saw 日本";
        var tokens = Tok512.EncodeToTokens(text, out _);

        Assert.Equal(text.Replace(" ", ""), string.Concat(tokens.Select(t => text[t.Offset].Replace(" ", ""))));
        Assert.All(tokens, t => Assert.InRange(t.Offset.End.Value, 0, text.Length));
    }

    [Fact]
    public void Max_token_count_truncates_and_reports_the_characters_covered()
    {
        var ids = Tok512.EncodeToIds("Once upon a time, there was", maxTokenCount: 3, out _, out int charsConsumed);

        Assert.Equal([403, 407, 261], ids);
        Assert.Equal("Once upon a", "Once upon a time, there was"[..charsConsumed]);
    }

    [Fact]
    public void A_file_shorter_than_the_vocabulary_size_is_rejected_naming_the_file()
    {
        using var dir = new TempDirectory();
        string path = dir.File("tok.bin");
        File.WriteAllBytes(path, File.ReadAllBytes(Stories260K.Tokenizer)[..1000]);

        var error = Assert.Throws<TokenizerFormatException>(() => Llama2cTokenizer.Load(path, 512));

        Assert.Equal(path, error.Path);
        Assert.Contains("ends", error.Problem);
    }

    [Fact]
    public void A_vocabulary_size_smaller_than_the_file_is_rejected()
    {
        var error = Assert.Throws<TokenizerFormatException>(() => Llama2cTokenizer.Load(Stories260K.Tokenizer, 500));

        Assert.Contains("vocabulary size does not match", error.Problem);
    }

    [Fact]
    public void The_file_round_trips_through_its_writer()
    {
        var file = Llama2cTokenizerFile.Read(Stories260K.Tokenizer, 512);
        using var copy = new MemoryStream();
        file.Write(copy);

        Assert.Equal(File.ReadAllBytes(Stories260K.Tokenizer), copy.ToArray());
    }
}
