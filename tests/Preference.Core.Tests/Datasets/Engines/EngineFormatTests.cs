using System.Text.Json;
using Parquet;
using Parquet.Schema;
using Parquet.Serialization;
using Preference.Core.Datasets;
using Preference.Core.Datasets.Engines;
using Preference.Core.Domain;

namespace Preference.Core.Tests.Datasets.Engines;

/// <summary>
/// The files handed to TRL, OpenRLHF and verl, checked against the shapes their loaders read (TRL's preference and
/// unpaired formats, OpenRLHF's reward_dataset.py and prompts_dataset.py, verl's examples/data_preprocess/gsm8k.py),
/// by reading the written files back.
/// </summary>
public sealed class EngineFormatTests : IDisposable
{
    readonly string _directory = Directory.CreateTempSubdirectory("engine-formats-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    static PreferencePair Pair(string prompt, string chosen, string rejected, double agreement = 0.75, int votes = 4) => new(
        new Prompt { Id = "p", Text = prompt }, new Completion { Id = "c", PromptId = "p", Text = chosen },
        new Completion { Id = "r", PromptId = "p", Text = rejected }, agreement, votes);

    static async IAsyncEnumerable<PreferencePair> Async(params PreferencePair[] pairs)
    {
        foreach (var pair in pairs) yield return pair;
        await Task.CompletedTask;
    }

    async Task<List<JsonElement>> WriteAndReadAsync(Func<Stream, Task> write)
    {
        var path = Path.Combine(_directory, Guid.NewGuid() + ".jsonl");
        await using (var file = File.Create(path)) await write(file);
        return (await File.ReadAllLinesAsync(path)).Select(l => JsonDocument.Parse(l).RootElement).ToList();
    }

    [Fact]
    public async Task Openrlhf_pairs_carry_prompt_chosen_rejected_and_a_margin_from_the_vote()
    {
        var rows = await WriteAndReadAsync(s => TrlPreferenceWriter.WriteAsync(s, Async(Pair("Q", "good", "bad", agreement: 0.75)), TrlExportStyle.Standard, margin: true));

        var row = Assert.Single(rows);
        Assert.Equal(("Q", "good", "bad"), (row.GetProperty("prompt").GetString(), row.GetProperty("chosen").GetString(), row.GetProperty("rejected").GetString()));
        Assert.Equal(0.5, row.GetProperty("margin").GetDouble());
    }

    [Fact]
    public async Task Trl_pairs_without_margin_have_no_margin_column()
    {
        var rows = await WriteAndReadAsync(s => TrlPreferenceWriter.WriteAsync(s, Async(Pair("Q", "good", "bad")), TrlExportStyle.Conversational));

        Assert.False(rows[0].TryGetProperty("margin", out _));
        Assert.Equal("assistant", rows[0].GetProperty("chosen")[0].GetProperty("role").GetString());
    }

    [Fact]
    public async Task Written_pairs_read_back_with_their_agreement_in_both_styles()
    {
        foreach (var style in new[] { TrlExportStyle.Standard, TrlExportStyle.Conversational })
        {
            var path = Path.Combine(_directory, $"{style}.jsonl");
            await using (var file = File.Create(path))
                await TrlPreferenceWriter.WriteAsync(file, Async(Pair("Tell a story.", "A dog.", "A cat.", 0.8, 5)), style);

            var pair = Assert.Single(await TrlPreferenceReader.ReadAsync(path).ToListAsync());

            Assert.Equal(("Tell a story.", "A dog.", "A cat.", 0.8, 5),
                (pair.Prompt.Text ?? pair.Prompt.Messages!.Single().Content, pair.Chosen.AsPlainText(), pair.Rejected.AsPlainText(), pair.Agreement, pair.Votes));
        }
    }

    [Fact]
    public async Task A_malformed_pair_line_names_the_file_line_and_field()
    {
        var path = Path.Combine(_directory, "bad.jsonl");
        await File.WriteAllLinesAsync(path, ["""{"prompt": "a", "chosen": "b", "rejected": "c"}""", """{"prompt": "a", "chosen": 3, "rejected": "c"}"""]);

        var error = await Assert.ThrowsAsync<DatasetFormatException>(async () => await TrlPreferenceReader.ReadAsync(path).ToListAsync());

        Assert.Equal($"{path}: line 2: chosen: must be a string, a list of messages or an object with 'text'", error.Message);
    }

    [Fact]
    public async Task Pairs_without_a_prompt_column_split_at_the_shared_prefix_as_an_import_does()
    {
        var path = Path.Combine(_directory, "implicit.jsonl");
        const string row = """{"chosen": "The sky is blue.", "rejected": "The sky is green."}""";
        await File.WriteAllLinesAsync(path, [row]);

        var pair = Assert.Single(await TrlPreferenceReader.ReadAsync(path).ToListAsync());
        var imported = ImportItemParser.Parse(JsonDocument.Parse(row).RootElement, DatasetFormat.Auto);

        // TRL's extract_prompt: the completions keep their leading space, so prompt + chosen is the original text.
        Assert.Equal(("The sky is", " blue.", " green."), (pair.Prompt.Text, pair.Chosen.Text, pair.Rejected.Text));
        Assert.Equal((imported.PromptText, imported.Completions[0].Text, imported.Completions[1].Text), (pair.Prompt.Text, pair.Chosen.Text, pair.Rejected.Text));
    }

    [Fact]
    public async Task Kto_rows_are_trl_unpaired_chosen_desirable_and_rejected_undesirable()
    {
        var rows = await WriteAndReadAsync(s => KtoWriter.WriteAsync(s, Async(Pair("Q1", "good", "bad"), Pair("Q2", "fine", "poor")), TrlExportStyle.Standard));

        Assert.Equal([("Q1", "good", true), ("Q1", "bad", false), ("Q2", "fine", true), ("Q2", "poor", false)],
            rows.Select(r => (r.GetProperty("prompt").GetString(), r.GetProperty("completion").GetString(), r.GetProperty("label").GetBoolean())));
    }

    [Fact]
    public async Task Openrlhf_prompts_have_input_and_label_keys()
    {
        var rows = await WriteAndReadAsync(s => OpenRlhfPromptWriter.WriteAsync(s, [EnginePrompt.FromText("Tom had a dog.", "happy"), EnginePrompt.FromText("Sue ran.")], conversational: true));

        Assert.Equal("user", rows[0].GetProperty("input")[0].GetProperty("role").GetString());
        Assert.Equal("Tom had a dog.", rows[0].GetProperty("input")[0].GetProperty("content").GetString());
        Assert.Equal("happy", rows[0].GetProperty("label").GetString());
        Assert.Equal("", rows[1].GetProperty("label").GetString());
    }

    [Fact]
    public async Task Verl_parquet_has_the_gsm8k_example_columns_with_nested_prompt_messages_and_reads_back()
    {
        var path = Path.Combine(_directory, "train.parquet");
        var prompts = new[] { EnginePrompt.FromText("Tom had a dog.", "The dog was happy."), EnginePrompt.FromText("Sue ran.", index: 1) };

        await VerlParquetWriter.WriteAsync(path, VerlParquetWriter.Rows(prompts, "preference/stories", "story", "model", "train"));

        await using var stream = File.OpenRead(path);
        await using (var reader = await ParquetReader.CreateAsync(stream))
        {
            var fields = reader.Schema.Fields;
            Assert.Equal(["data_source", "prompt", "ability", "reward_model", "extra_info"], fields.Select(f => f.Name));
            var prompt = Assert.IsType<ListField>(fields[1]);
            Assert.Equal(["role", "content"], Assert.IsType<StructField>(prompt.Item).Fields.Select(f => f.Name));
            Assert.Equal(["style", "ground_truth"], Assert.IsType<StructField>(fields[3]).Fields.Select(f => f.Name));
            Assert.Equal(["split", "index", "prompt_text"], Assert.IsType<StructField>(fields[4]).Fields.Select(f => f.Name));
        }
        stream.Position = 0;
        var rows = (await ParquetSerializer.DeserializeAsync<VerlRow>(stream)).Data;
        Assert.Equal(2, rows.Count);
        Assert.Equal(("preference/stories", "story"), (rows[0].DataSource, rows[0].Ability));
        Assert.Equal(("user", "Tom had a dog."), (rows[0].Prompt.Single().Role, rows[0].Prompt.Single().Content));
        Assert.Equal(("model", "The dog was happy."), (rows[0].RewardModel.Style, rows[0].RewardModel.GroundTruth));
        Assert.Null(rows[1].RewardModel.GroundTruth);
        Assert.Equal(("train", 1L, "Sue ran."), (rows[1].ExtraInfo.Split, rows[1].ExtraInfo.Index, rows[1].ExtraInfo.PromptText));
    }
}
