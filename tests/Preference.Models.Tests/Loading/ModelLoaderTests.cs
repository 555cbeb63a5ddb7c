using Preference.Models.Llama;
using Preference.Models.Loading;
using static TorchSharp.torch;

namespace Preference.Models.Tests.Loading;

public class ModelLoaderTests
{
    [Fact]
    public void A_bin_file_loads_as_llama2c_with_its_tokenizer_found_beside_it()
    {
        var loaded = ModelLoader.Load(Stories260K.Model);
        using var _ = loaded.Model;

        var model = Assert.IsType<LlamaForCausalLM>(loaded.Model);
        Assert.True(model.Config.RopeInterleaved);
        Assert.Equal([Path.GetFullPath(Stories260K.Tokenizer)], loaded.TokenizerFiles);
        Assert.False(model.training);
    }

    [Fact]
    public void A_bin_file_loads_in_the_requested_dtype()
    {
        var loaded = ModelLoader.Load(Stories260K.Model, new ModelLoadOptions { DType = ScalarType.BFloat16 });
        using var _ = loaded.Model;
        Assert.All(loaded.Model.parameters(), p => Assert.Equal(ScalarType.BFloat16, p.dtype));
    }

    [Fact]
    public void A_directory_with_config_json_loads_as_hugging_face_with_its_tokenizer_files()
    {
        using var dir = new TempDirectory();
        using (var model = TinyModels.Llama(TinyModels.Qwen2Config)) HuggingFaceCheckpoint.Save(model, dir.Path);
        File.WriteAllText(dir.File("tokenizer.json"), "{}");

        var loaded = ModelLoader.Load(dir.Path);
        using var _ = loaded.Model;

        Assert.Equal("qwen2", loaded.Model.ModelType);
        Assert.Equal([dir.File("tokenizer.json")], loaded.TokenizerFiles);
    }

    [Fact]
    public void The_config_json_path_itself_loads_its_directory()
    {
        using var dir = new TempDirectory();
        using (var model = TinyModels.Gpt2(TinyModels.Gpt2Config)) HuggingFaceCheckpoint.Save(model, dir.Path);
        var loaded = ModelLoader.Load(dir.File("config.json"));
        using var _ = loaded.Model;
        Assert.Equal("gpt2", loaded.Model.ModelType);
    }

    [Fact]
    public void A_directory_without_config_json_is_refused()
    {
        using var dir = new TempDirectory();
        var error = Assert.Throws<ModelFormatException>(() => ModelLoader.Load(dir.Path));
        Assert.Equal(dir.Path, error.Path);
        Assert.Contains("no config.json", error.Message);
    }

    [Fact]
    public void A_path_that_does_not_exist_is_refused()
    {
        var error = Assert.Throws<ModelFormatException>(() => ModelLoader.Load("/nonexistent/model.bin"));
        Assert.Equal("/nonexistent/model.bin: no such file or directory", error.Message);
    }

    [Theory]
    [InlineData("weights.gguf", "unknown model format")]
    [InlineData("model.safetensors", "has no architecture")]
    [InlineData("pytorch_model.bin", "pickled PyTorch weights are not loaded")]
    public void Other_files_are_refused_saying_what_was_expected(string name, string problem)
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File(name), new byte[64]);
        var error = Assert.Throws<ModelFormatException>(() => ModelLoader.Load(dir.File(name)));
        Assert.Equal(dir.File(name), error.Path);
        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public void A_bin_file_that_is_not_llama2c_is_refused_naming_it()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("junk.bin"), new byte[64]);
        var error = Assert.Throws<ModelFormatException>(() => ModelLoader.Load(dir.File("junk.bin")));
        Assert.Equal(dir.File("junk.bin"), error.Path);
        Assert.Contains("not a llama2.c checkpoint", error.Message);
    }

    [Fact]
    public void Tokenizer_bin_is_preferred_over_other_tok_files()
    {
        using var dir = new TempDirectory();
        foreach (var name in new[] { "model.bin", "tok512.bin", "tokenizer.bin" }) File.WriteAllBytes(dir.File(name), [0]);
        Assert.Equal([dir.File("tokenizer.bin"), dir.File("tok512.bin")], ModelLoader.FindTokenizer(dir.File("model.bin")));
    }
}
