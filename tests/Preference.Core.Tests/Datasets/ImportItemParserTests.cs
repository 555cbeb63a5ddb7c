using System.Text.Json;
using Preference.Core.Datasets;

namespace Preference.Core.Tests.Datasets;

public class ImportItemParserTests
{
    private static ImportItem Parse(string json, DatasetFormat format = DatasetFormat.Auto) =>
        ImportItemParser.Parse(JsonDocument.Parse(json).RootElement, format);

    [Fact]
    public void Prompt_with_completion_objects_keeps_model_and_sampling_params()
    {
        var item = Parse("""{"prompt": "Say hi", "completions": ["hi", {"text": "hello", "model": "sft-2000", "params": {"temperature": 0.7}}]}""");
        Assert.Equal("Say hi", item.PromptText);
        Assert.Equal(["hi", "hello"], item.Completions.Select(c => c.Text));
        Assert.Equal("sft-2000", item.Completions[1].SourceModel);
        Assert.Equal("0.7", item.Completions[1].GenerationParams!["temperature"]);
    }

    [Fact]
    public void Trl_standard_with_explicit_prompt_gives_chosen_then_rejected()
    {
        var item = Parse("""{"prompt": "2+2?", "chosen": "4", "rejected": "5"}""");
        Assert.Equal("2+2?", item.PromptText);
        Assert.Equal(["4", "5"], item.Completions.Select(c => c.Text));
    }

    [Fact]
    public void Trl_standard_with_implicit_prompt_splits_at_the_last_assistant_turn()
    {
        var item = Parse("""{"chosen": "\n\nHuman: hi\n\nAssistant: hello there", "rejected": "\n\nHuman: hi\n\nAssistant: go away"}""");
        Assert.Equal("\n\nHuman: hi\n\nAssistant:", item.PromptText);
        Assert.Equal(["hello there", "go away"], item.Completions.Select(c => c.Text));
    }

    [Fact]
    public void Trl_implicit_prompt_in_a_dialogue_whose_answers_share_words_still_splits_at_the_assistant_turn()
    {
        var item = Parse("""{"chosen": "\n\nHuman: hi\n\nAssistant: I think so", "rejected": "\n\nHuman: hi\n\nAssistant: I think not"}""");
        Assert.Equal("\n\nHuman: hi\n\nAssistant:", item.PromptText);
        Assert.Equal(["I think so", "I think not"], item.Completions.Select(c => c.Text));
    }

    [Fact]
    public void Trl_implicit_prompt_in_plain_text_is_the_shared_prefix_as_trl_extract_prompt_takes_it()
    {
        // TRL's documented example: the space before the differing word starts the completions.
        var item = Parse("""{"chosen": "The sky is blue.", "rejected": "The sky is green."}""");
        Assert.Equal("The sky is", item.PromptText);
        Assert.Equal([" blue.", " green."], item.Completions.Select(c => c.Text));
        Assert.Equal("The sky is blue.", item.PromptText + item.Completions[0].Text);
    }

    [Theory]
    [InlineData("Once upon a time", "Once upon a timer", "Once upon a tim", "e", "er")]
    [InlineData("Lily had a cat", "Lily had a dog", "Lily had a", " cat", " dog")]
    [InlineData("red fox", "red hen", "red", " fox", " hen")]
    public void Trl_implicit_prompt_follows_extract_prompt_at_the_edges(string chosen, string rejected, string prompt, string first, string second)
    {
        var item = Parse(JsonSerializer.Serialize(new { chosen, rejected }));
        Assert.Equal(prompt, item.PromptText);
        Assert.Equal([first, second], item.Completions.Select(c => c.Text));
    }

    [Fact]
    public void Trl_implicit_prompt_with_nothing_shared_is_refused_naming_the_prompt()
    {
        var error = Assert.Throws<DatasetFormatException>(() => Parse("""{"chosen": "yes", "rejected": "no"}"""));
        Assert.StartsWith("prompt:", error.Message);
    }

    [Fact]
    public void Trl_conversational_keeps_messages()
    {
        var item = Parse("""
            {"prompt": [{"role": "user", "content": "hi"}],
             "chosen": [{"role": "assistant", "content": "hello"}],
             "rejected": [{"role": "assistant", "content": "no"}]}
            """);
        Assert.Equal("user", item.PromptMessages!.Single().Role);
        Assert.Equal("hello", item.Completions[0].Messages!.Single().Content);
    }

    [Fact]
    public void Messages_record_takes_the_last_assistant_turn_as_a_completion()
    {
        var item = Parse("""
            {"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a1"}],
             "alternatives": ["a2"]}
            """);
        Assert.Equal("q", item.PromptMessages!.Single().Content);
        Assert.Equal("a1", item.Completions[0].Messages!.Single().Content);
        Assert.Equal("a2", item.Completions[1].Text);
    }

    [Fact]
    public void Qa_feedback_record_gives_every_prediction_in_order()
    {
        var item = Parse("""{"question": "Q?", "prediction 1": "a", "prediction 2": "b", "prediction 3": "c", "prediction 4": "d"}""");
        Assert.Equal("Q?", item.PromptText);
        Assert.Equal(["a", "b", "c", "d"], item.Completions.Select(c => c.Text));
    }

    [Theory]
    [InlineData("""{"completions": ["a", "b"]}""", "prompt: required")]
    [InlineData("""{"prompt": "p", "completions": ["only one"]}""", "completions: at least 2")]
    [InlineData("""{"prompt": "p", "chosen": "a"}""", "rejected: required")]
    [InlineData("""{"prompt": "p", "chosen": "a", "rejected": [{"role": "assistant", "content": "b"}]}""", "rejected: must have the same type")]
    [InlineData("""{"prompt": [{"role": "user"}], "completions": ["a", "b"]}""", "prompt[0]: must be an object")]
    [InlineData("""{"text": "what"}""", "unrecognised record")]
    public void Bad_records_are_rejected_naming_the_field(string json, string expected)
    {
        var error = Assert.Throws<DatasetFormatException>(() => Parse(json));
        Assert.Contains(expected, error.Message);
    }
}
