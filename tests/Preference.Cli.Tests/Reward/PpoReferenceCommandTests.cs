namespace Preference.Cli.Tests.Reward;

/// <summary>`pref ppo` reads the reference answers of a .jsonl prompts file for reference-guided reward models.</summary>
public sealed class PpoReferenceCommandTests : IDisposable
{
    readonly string directory = Directory.CreateTempSubdirectory("ppo-ref-cli-").FullName;

    [Fact]
    public async Task Ppo_rejects_a_prompts_file_whose_reference_is_not_a_string_naming_option_line_and_field()
    {
        var prompts = Path.Combine(directory, "prompts.jsonl");
        File.WriteAllLines(prompts, ["""{"prompt": "Once upon a time", "reference": "a dog"}""", """{"prompt": "One day", "reference": 7}"""]);
        var config = Path.Combine(directory, "ppo.yaml");
        File.WriteAllText(config, "ppo:\n  rewards:\n    - kind: keyword\n      keyword: dog\n");
        var output = Path.Combine(directory, "run");

        var result = await PrefProcess.RunAsync("ppo", "--config", config, "--set", $"ppo.prompts_file={prompts}", "--output", output, "--threads", "1");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("ppo.prompts_file:", result.Stderr);
        Assert.Contains("line 2: reference: must be a string", result.Stderr);
        Assert.False(Directory.Exists(Path.Combine(output, "checkpoints")));
    }

    public void Dispose()
    {
        try { Directory.Delete(directory, true); } catch (IOException) { }
    }
}
