using Preference.Judges.Parsing;

namespace Preference.Judges.Tests;

public class VerdictParserTests
{
    private static readonly string[] Two = ["A", "B"];
    private static readonly string[] Three = ["A", "B", "C"];

    private static string Read(string reply, string[] labels)
    {
        var parsed = VerdictParser.Parse(reply, labels);
        Assert.True(parsed.Ranking is not null, parsed.Error);
        return string.Join(" > ", parsed.Ranking!.Tiers.Select(t => string.Join(" = ", t)));
    }

    [Theory]
    [InlineData("Response B is clearer.\n[[B]]", "B > A")]
    [InlineData("[[a]]", "A > B")]
    [InlineData("Both fine. [[tie]]", "A = B")]
    [InlineData("**Final verdict:** Response A", "A > B")]
    [InlineData("Verdict: B is better.", "B > A")]
    [InlineData("```json\n{\"reasoning\": \"...\", \"verdict\": \"B\"}\n```", "B > A")]
    [InlineData("{\"winner\": \"tie\"}", "A = B")]
    [InlineData("B", "B > A")]
    [InlineData("  **A**. ", "A > B")]
    [InlineData("Thinking it over, I prefer the second.\n[[B]]\nThat is my final answer: [[B]]", "B > A")]
    public void Pairwise_verdicts_are_read_through_extra_text_and_odd_formats(string reply, string expected)
    {
        Assert.Equal(expected, Read(reply, Two));
    }

    [Theory]
    [InlineData("C is best, then A and B equal.\n[[C > A = B]]", "C > A = B")]
    [InlineData("Ranking: [[ b > c > a ]]", "B > C > A")]
    [InlineData("Final ranking: Response A > Response C > Response B", "A > C > B")]
    public void Rankings_over_several_responses_keep_ties(string reply, string expected)
    {
        Assert.Equal(expected, Read(reply, Three));
    }

    [Theory]
    [InlineData("")]
    [InlineData("Both responses have merits.")]
    [InlineData("I'd output [[A]] if A were better, [[B]] otherwise.")] // two different verdicts: never pick one
    [InlineData("[[A > B]]")] // C missing from a three-way ranking
    [InlineData("[[A > B > C > A]]")] // A twice
    [InlineData("[[D]]")]
    [InlineData("[[A]]")] // a lone winner leaves B and C unranked
    public void Incomplete_or_conflicting_verdicts_are_unparseable_not_guessed(string reply)
    {
        var parsed = VerdictParser.Parse(reply, Three);
        Assert.Null(parsed.Ranking);
        Assert.False(string.IsNullOrEmpty(parsed.Error));
    }

    [Fact]
    public void A_conflict_is_reported_as_such()
    {
        var parsed = VerdictParser.Parse("[[A]] ... no, wait: [[B]]", Two);
        Assert.Contains("conflicting", parsed.Error);
    }
}
