using Preference.Models.Generation;
using Preference.Models.Loading;
using TorchSharp;

namespace Preference.Models.Tests;

public sealed class ModelBundleTests : IDisposable
{
    readonly string _directory = Directory.CreateTempSubdirectory("pref-bundle-").FullName;

    [Fact]
    public void A_hugging_face_export_of_a_llama2c_model_finds_the_llama2c_tokenizer_beside_it()
    {
        using (var model = Llama2cCheckpoint.Load(Stories260K.Model))
            HuggingFaceCheckpoint.Save(model, _directory);
        File.Copy(Stories260K.Tokenizer, Path.Combine(_directory, "tok512.bin"));

        using var bundle = ModelBundle.Load(_directory, torch.CPU);
        var story = new TextGenerator(bundle.Model, bundle.Tokenizer)
            .Generate([""], new GenerationOptions { MaxNewTokens = 20, Temperature = 0 })[0];

        Assert.Equal("llama2c", bundle.Tokenizer.Format);
        Assert.StartsWith("Once upon a time, there was a little girl named Lily.", story.Text);
    }

    [Fact]
    public void A_directory_without_any_tokenizer_is_refused_by_name()
    {
        using (var model = Llama2cCheckpoint.Load(Stories260K.Model))
            HuggingFaceCheckpoint.Save(model, _directory);
        var error = Assert.Throws<ModelFormatException>(() => ModelBundle.Load(_directory, torch.CPU));
        Assert.Contains("no tokenizer", error.Message);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
