using Preference.Models.Tokenization;

namespace Preference.Models.Tests.Tokenization;

public class TokenizerLoaderTests
{
    [Fact]
    public void A_missing_path_is_reported_as_such()
    {
        string path = Path.Combine(Path.GetTempPath(), "no-such-tokenizer-" + Guid.NewGuid());

        var error = Assert.Throws<TokenizerFormatException>(() => TokenizerLoader.Load(path));

        Assert.Equal(path, error.Path);
        Assert.Contains("no such file", error.Problem);
    }

    [Fact]
    public void A_directory_without_a_tokenizer_says_what_it_looked_for()
    {
        using var dir = new TempDirectory();

        var error = Assert.Throws<TokenizerFormatException>(() => TokenizerLoader.Load(dir.Path));

        Assert.Contains("tokenizer.json", error.Problem);
    }

    [Fact]
    public void An_unknown_extension_is_an_unknown_format()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("vocab.txt"), "a\nb\n");

        var error = Assert.Throws<TokenizerFormatException>(() => TokenizerLoader.Load(dir.File("vocab.txt")));

        Assert.Contains("unknown tokenizer format", error.Problem);
    }

    [Fact]
    public void A_truncated_llama2c_file_is_rejected_naming_the_file()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("tok512.bin"), File.ReadAllBytes(Stories260K.Tokenizer)[..3001]);

        var error = Assert.Throws<TokenizerFormatException>(() => TokenizerLoader.Load(dir.File("tok512.bin")));

        Assert.Equal(dir.File("tok512.bin"), error.Path);
    }

    [Fact]
    public void LoadLlama2c_checks_the_vocabulary_size_the_model_declares()
    {
        Assert.Throws<TokenizerFormatException>(() => TokenizerLoader.LoadLlama2c(Stories260K.Tokenizer, 1024));
        Assert.Equal(512, TokenizerLoader.LoadLlama2c(Stories260K.Tokenizer, 512).VocabSize);
    }

    [Fact]
    public void A_malformed_tokenizer_config_is_rejected_naming_it()
    {
        using var dir = new TempDirectory();
        File.Copy(Stories260K.Tokenizer, dir.File("tok512.bin"));
        File.WriteAllText(dir.File("tokenizer_config.json"), "{ not json");

        var error = Assert.Throws<TokenizerFormatException>(() => TokenizerLoader.Load(dir.Path));

        Assert.EndsWith("tokenizer_config.json", error.Path);
    }
}
