using Preference.Core.Judging;
using Preference.Judges.Prompts;
using Preference.Judges.Resilience;

namespace Preference.Judges.Tests;

public class PromptTests
{
    private static readonly JudgeTask Pair = new("t", "What is 2+2?", [new Candidate("model-x-123", "4"), new Candidate("model-y-456", "5")]);

    [Fact]
    public void Responses_are_shown_under_letters_and_never_by_id()
    {
        var prompt = JudgePrompts.For(Pair);

        Assert.Contains("[Response A]\n4\n", prompt.User);
        Assert.DoesNotContain("model-x-123", prompt.User);
        Assert.Equal("model-y-456", prompt.IdByLabel["B"]);
        Assert.Equal(JudgePrompts.PairwiseVersion, prompt.TemplateVersion);
    }

    [Fact]
    public void A_reference_answer_is_shown_and_changes_the_template_version()
    {
        var prompt = JudgePrompts.For(Pair with { Reference = "2+2 = 4" });

        Assert.Contains("[Reference answer", prompt.User);
        Assert.Contains("2+2 = 4", prompt.User);
        Assert.Equal(JudgePrompts.PairwiseVersion + "+reference", prompt.TemplateVersion);
    }

    [Fact]
    public void More_than_two_responses_get_the_ranking_prompt()
    {
        var three = Pair.WithResponses([.. Pair.Responses, new Candidate("z", "four")]);
        var prompt = JudgePrompts.For(three);

        Assert.Equal(JudgePrompts.RankingVersion, prompt.TemplateVersion);
        Assert.Contains("(A, B, C)", prompt.User);
    }

    [Theory]
    [InlineData("3", 3.0)]
    [InlineData("0.5", 0.5)]
    [InlineData("Wed, 25 Nov 2026 12:00:10 GMT", 10.0)]
    [InlineData("Wed, 25 Nov 2026 11:59:00 GMT", 0.0)]
    public void Retry_after_is_read_as_seconds_or_an_http_date(string header, double seconds)
    {
        var now = new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
        Assert.Equal(TimeSpan.FromSeconds(seconds), RetryAfterHeader.Parse(header, now));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("soon")]
    [InlineData("-1")]
    public void An_unreadable_retry_after_leaves_the_backoff_in_charge(string? header)
    {
        Assert.Null(RetryAfterHeader.Parse(header, DateTimeOffset.UtcNow));
    }
}
