using System.Text;
using Preference.Models.Tokenization;
using Preference.Training.Data;

namespace Preference.Training.Tests.Sft;

public class SftDataTests
{
    static readonly ModelTokenizer Tokenizer = SftFixture.LoadModel().Tokenizer;

    static async Task<SftDataException> ReadError(string content)
    {
        using var fixture = new SftFixture();
        var path = fixture.Path("data.jsonl");
        await File.WriteAllTextAsync(path, content);
        return await Assert.ThrowsAsync<SftDataException>(() => SftDatasetReader.ReadAsync(path));
    }

    [Fact]
    public async Task All_three_formats_are_read_line_by_line()
    {
        using var fixture = new SftFixture();
        var path = fixture.Path("mixed.jsonl");
        await File.WriteAllLinesAsync(path, [
            """{"prompt": "Tim saw a cat.", "completion": " It was big."}""",
            "",
            """{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}""",
            """{"input_text": "Sue ran.", "output_text": " She fell."}""",
        ]);
        var records = await SftDatasetReader.ReadAsync(path);
        Assert.Equal([1L, 3, 4], records.Select(r => r.Line));
        Assert.Equal(" It was big.", records[0].Completion);
        Assert.Equal("assistant", records[1].Messages![1].Role);
        Assert.Equal("Sue ran.", records[2].Prompt);
    }

    [Fact]
    public async Task A_non_string_completion_is_refused_naming_line_and_field()
    {
        var error = await ReadError("""{"prompt": "a", "completion": "b"}""" + "\n" + """{"prompt": "a", "completion": 3}""");
        Assert.EndsWith("line 2: field 'completion' must be a string", error.Message);
    }

    [Fact]
    public async Task An_unknown_role_is_refused_naming_the_message()
    {
        var error = await ReadError("""{"messages": [{"role": "user", "content": "a"}, {"role": "bot", "content": "b"}]}""");
        Assert.EndsWith("line 1: field 'messages'[1].role 'bot' is not one of system, user, assistant", error.Message);
    }

    [Fact]
    public async Task Invalid_json_and_unknown_shapes_are_refused_with_their_line()
    {
        Assert.Contains("line 1: invalid JSON", (await ReadError("{\"prompt\": ")).Message);
        Assert.EndsWith("line 1: expected fields prompt/completion, messages or input_text/output_text", (await ReadError("""{"text": "a"}""")).Message);
    }

    [Fact]
    public async Task Invalid_utf8_is_refused_instead_of_trained_on_as_replacement_characters()
    {
        using var fixture = new SftFixture();
        var path = fixture.Path("latin1.jsonl");
        await File.WriteAllBytesAsync(path, [.. Encoding.UTF8.GetBytes("{\"prompt\": \"a\", \"completion\": \"b\"}\n{\"prompt\": \"caf"), 0xE9, .. Encoding.UTF8.GetBytes("\", \"completion\": \"b\"}\n")]);
        var error = await Assert.ThrowsAsync<SftDataException>(() => SftDatasetReader.ReadAsync(path));
        Assert.EndsWith("line 2: not valid UTF-8", error.Message);
    }

    [Fact]
    public void Only_completion_tokens_and_the_closing_eos_are_learned()
    {
        var record = new SftRecord { Line = 1, Prompt = "Tim saw a cat.", Completion = " The cat was red." };
        var set = SftTokenization.Tokenize([record], Tokenizer, ChatTemplate.HumanAssistant, maxLength: 64);
        var example = Assert.Single(set.Examples);

        var learnedIds = example.Ids.Where((_, i) => example.Learned[i]).ToList();
        Assert.Equal(Tokenizer.EosId, learnedIds[^1]);
        Assert.Equal("The cat was red.", Tokenizer.Decode(learnedIds).Trim());
        Assert.Equal("Tim saw a cat.", Tokenizer.Decode(example.Ids.Where((_, i) => !example.Learned[i])));
    }

    [Fact]
    public void Only_assistant_turns_are_learned_in_a_chat()
    {
        var record = new SftRecord
        {
            Line = 1,
            Messages = [new("user", "Hi"), new("assistant", "Hello there"), new("user", "Bye"), new("assistant", "See you")],
        };
        var example = Assert.Single(SftTokenization.Tokenize([record], Tokenizer, ChatTemplate.HumanAssistant, 128).Examples);

        var learned = Tokenizer.Decode(example.Ids.Where((_, i) => example.Learned[i]));
        Assert.Contains("Hello there", learned);
        Assert.Contains("See you", learned);
        Assert.DoesNotContain("Hi", learned);
        Assert.DoesNotContain("Bye", learned);
        Assert.DoesNotContain("Human", learned);
    }

    [Fact]
    public void Long_examples_are_cut_and_counted_and_ones_left_without_targets_are_dropped()
    {
        SftRecord Row(string prompt) => new() { Line = 1, Prompt = prompt, Completion = " The end." };
        var set = SftTokenization.Tokenize([Row("Tim ran."), Row("Once upon a time there was a very long story about a dog.")],
            Tokenizer, ChatTemplate.HumanAssistant, maxLength: 8);

        Assert.Equal(2, set.Truncated);
        Assert.Equal(1, set.DroppedWithoutTargets);
        Assert.All(set.Examples, e => Assert.Equal(8, e.Ids.Length));
    }

    [Fact]
    public void Packing_joins_whole_examples_up_to_the_limit()
    {
        var examples = new[] { 5, 4, 3, 6 }.Select(n => new TokenizedExample(Enumerable.Repeat(9, n).ToArray(), new bool[n])).ToList();
        Assert.Equal([9, 9], SftTokenization.Pack(examples, 10).Select(r => r.Ids.Length));
    }

    [Fact]
    public void The_split_is_the_same_for_the_same_seed_and_disjoint()
    {
        var items = Enumerable.Range(0, 40).ToList();
        var (train, validation) = SftSplit.Split(items, 0.25, seed: 3);
        Assert.Equal(10, validation.Count);
        Assert.Empty(train.Intersect(validation));
        Assert.Equal(validation, SftSplit.Split(items, 0.25, seed: 3).Validation);
        Assert.NotEqual(validation, SftSplit.Split(items, 0.25, seed: 4).Validation);
    }
}
