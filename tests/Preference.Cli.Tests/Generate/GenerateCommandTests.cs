using Preference.Models;
using Preference.Models.Llama;
using Preference.Models.Loading;

namespace Preference.Cli.Tests.Generate;

public sealed class GenerateCommandTests : IDisposable
{
    readonly string _directory = Directory.CreateTempSubdirectory("pref-generate-").FullName;

    // The bundled model, copied beside pref as the application ships it.
    static string BundledModel => ModelBundle.EmbeddedDefaultPath;

    [Fact]
    public async Task Greedy_generation_from_the_bundled_model_prints_the_llama2c_story()
    {
        var result = await PrefProcess.RunAsync("generate", "--temperature", "0", "--max-new-tokens", "40", "--device", "cpu");
        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("Once upon a time, there was a little girl named Lily.", result.Stdout);
    }

    [Fact]
    public async Task The_completion_of_a_prompt_follows_it_with_its_own_space()
    {
        // The first generated token is "▁was": decoded alone it lost its space and printed "The dogwas".
        var result = await PrefProcess.RunAsync("generate", "--prompt", "The dog", "--temperature", "0", "--max-new-tokens", "8", "--device", "cpu");
        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("The dog ", result.Stdout);
    }

    [Fact]
    public async Task A_missing_model_file_is_one_error_line_and_a_nonzero_exit()
    {
        var result = await PrefProcess.RunAsync("generate", "--model", Path.Combine(_directory, "absent.bin"));
        Assert.NotEqual(0, result.ExitCode);
        var line = Assert.Single(result.Stderr.Trim().Split('\n'));
        Assert.Contains("absent.bin", line);
        Assert.Contains("no such file", line);
    }

    [Fact]
    public async Task An_unknown_device_is_refused_by_name()
    {
        var result = await PrefProcess.RunAsync("generate", "--device", "tpu", "--max-new-tokens", "4");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("unknown device 'tpu'", result.Stderr);
    }

    [Fact]
    public async Task A_malformed_config_json_names_the_file()
    {
        var model = Path.Combine(_directory, "broken");
        Directory.CreateDirectory(model);
        File.WriteAllText(Path.Combine(model, "config.json"), "{ \"model_type\": \"llama\", \"hidden_size\": ");
        var result = await PrefProcess.RunAsync("generate", "--model", model, "--max-new-tokens", "4");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("config.json", result.Stderr);
        Assert.Single(result.Stderr.Trim().Split('\n'));
    }

    [Fact]
    public async Task A_tokenizer_that_does_not_fit_the_model_vocabulary_is_refused()
    {
        // A HF copy of stories260K with its vocabulary cut to 300: the 512-token tokenizer cannot belong to it.
        using var source = Llama2cCheckpoint.Load(BundledModel);
        var config = source.Config with { VocabSize = 300 };
        using var small = new LlamaForCausalLM(config);
        var directory = Path.Combine(_directory, "small");
        HuggingFaceCheckpoint.Save(small, directory);
        var tokenizer = Path.Combine(Path.GetDirectoryName(BundledModel)!, "tok512.bin");

        var result = await PrefProcess.RunAsync("generate", "--model", directory, "--tokenizer", tokenizer, "--max-new-tokens", "4");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("512 tokens", result.Stderr);
        Assert.Contains("300", result.Stderr);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
