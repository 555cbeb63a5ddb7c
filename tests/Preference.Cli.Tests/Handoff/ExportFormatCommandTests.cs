using System.Text.Json;
using Parquet.Serialization;
using Preference.Core.Datasets.Engines;

namespace Preference.Cli.Tests.Handoff;

/// <summary>`pref export --format` from a run directory or a pairs file, as a user runs it.</summary>
public sealed class ExportFormatCommandTests(HandoffRun run) : IClassFixture<HandoffRun>
{
    string Pairs => Path.Combine(run.RunDirectory, "export", "pairs.jsonl");

    [Fact]
    public async Task Kto_export_of_a_pairs_file_has_two_labelled_rows_per_pair()
    {
        var output = run.NewOutput() + ".jsonl";

        var result = await PrefProcess.RunAsync("export", "--format", "kto", "--pairs", Pairs, "-o", output);

        Assert.True(result.ExitCode == 0, result.Stderr);
        var rows = File.ReadAllLines(output).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(8, rows.Count);
        Assert.Equal([true, false, true, false, true, false, true, false], rows.Select(r => r.GetProperty("label").GetBoolean()));
    }

    [Fact]
    public async Task Openrlhf_export_of_a_run_adds_the_margin()
    {
        var output = run.NewOutput() + ".jsonl";

        var result = await PrefProcess.RunAsync("export", "--format", "openrlhf", "--run", run.RunDirectory, "-o", output, "--style", "conversational");

        Assert.True(result.ExitCode == 0, result.Stderr);
        var row = JsonDocument.Parse(File.ReadLines(output).First()).RootElement;
        Assert.Equal(0.5, row.GetProperty("margin").GetDouble());
        Assert.Equal("assistant", row.GetProperty("chosen")[0].GetProperty("role").GetString());
    }

    [Fact]
    public async Task Verl_export_of_a_run_writes_its_distinct_prompts_as_parquet_rows()
    {
        var output = run.NewOutput() + ".parquet";

        var result = await PrefProcess.RunAsync("export", "--format", "verl", "--run", run.RunDirectory, "-o", output, "--data-source", "stories", "--reward-style", "rule");

        Assert.True(result.ExitCode == 0, result.Stderr);
        await using var file = File.OpenRead(output);
        var rows = (await ParquetSerializer.DeserializeAsync<VerlRow>(file)).Data;
        Assert.Equal(HandoffRun.Prompts.Take(2), rows.Select(r => r.Prompt.Single().Content));
        Assert.All(rows, r => Assert.Equal(("stories", "rule"), (r.DataSource, r.RewardModel.Style)));
    }

    [Theory]
    [InlineData("--format", "kto", "-o", "x.jsonl")]
    [InlineData("--format", "trl", "--campaign", "c", "--pairs", "p.jsonl", "-o", "x.jsonl")]
    public async Task An_export_without_exactly_one_source_is_one_error_line(params string[] args)
    {
        var result = await PrefProcess.RunAsync(["export", .. args]);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error: --campaign", result.Stderr.Trim());
    }

    [Fact]
    public async Task A_bad_line_in_a_pairs_file_names_the_line_and_writes_nothing()
    {
        var bad = run.NewOutput() + "-bad.jsonl";
        File.WriteAllLines(bad, ["""{"prompt": "a", "chosen": "b", "rejected": "c"}""", "not json"]);
        var output = run.NewOutput() + ".jsonl";

        var result = await PrefProcess.RunAsync("export", "--format", "kto", "--pairs", bad, "-o", output);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith($"error: {bad}: line 2: invalid JSON", result.Stderr.Trim());
        Assert.False(File.Exists(output));
        Assert.False(File.Exists(output + ".partial"));
    }
}
