using System.Text.Json;
using Preference.Models.Generation;
using Preference.Models.Loading;
using TorchSharp;

namespace Preference.Models.Tests.Loading;

public class HuggingFaceExportTests
{
    [Fact]
    public void An_export_of_the_llama2c_model_carries_its_tokenizer_and_generates_the_same_tokens()
    {
        using var dir = new TempDirectory();
        using var original = ModelBundle.Load(null, torch.CPU);
        HuggingFaceCheckpoint.Save(original.Model, original.Tokenizer, dir.Path);

        using var exported = ModelBundle.Load(dir.Path, torch.CPU);
        var options = new GenerationOptions { MaxNewTokens = 32, Temperature = 0 };
        var expected = new TextGenerator(original.Model, original.Tokenizer).Generate(["Lily and Tom"], options)[0];
        var actual = new TextGenerator(exported.Model, exported.Tokenizer).Generate(["Lily and Tom"], options)[0];

        Assert.Equal(dir.File("tokenizer.json"), exported.Tokenizer.SourcePath);
        Assert.Equal(expected.TokenIds, actual.TokenIds);
        Assert.Equal(expected.Text, actual.Text);
        var config = JsonDocument.Parse(File.ReadAllText(dir.File("config.json"))).RootElement;
        Assert.Equal(0, config.GetProperty("pad_token_id").GetInt32()); // <unk>, as tokenizer_config.json's pad_token
        Assert.True(File.Exists(dir.File("tokenizer.model")));
    }
}
