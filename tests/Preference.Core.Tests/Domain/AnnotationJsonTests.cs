using System.Text.Json;
using Preference.Core.Domain;
using Preference.Core.Rankings;

namespace Preference.Core.Tests.Domain;

public class AnnotationJsonTests
{
    [Fact]
    public void Ranking_serialises_as_tiers_and_round_trips_ties()
    {
        var annotation = new Annotation
        {
            Id = "t:alice", TaskId = "t", CampaignId = "c", AnnotatorId = "alice", AnnotatorKind = AnnotatorKind.Judge,
            Ranking = new Ranking([["b"], ["a", "c"]]), ShownOrder = ["a", "b", "c"], SubmittedAt = DateTimeOffset.UnixEpoch,
            Metadata = new Dictionary<string, string> { ["model"] = "gpt-4o-mini" },
        };
        var json = JsonSerializer.Serialize(annotation, PreferenceJson.Options);
        Assert.Contains("\"ranking\":[[\"b\"],[\"a\",\"c\"]]", json);
        Assert.Contains("\"annotatorKind\":\"judge\"", json);
        var back = JsonSerializer.Deserialize<Annotation>(json, PreferenceJson.Options)!;
        Assert.Equal(annotation.Ranking.Tiers.Select(t => t.ToArray()), back.Ranking.Tiers.Select(t => t.ToArray()));
        Assert.Equal("gpt-4o-mini", back.Metadata!["model"]);
    }

    [Fact]
    public void Campaign_allows_everyone_when_no_annotators_are_listed()
    {
        var open = new Campaign { Id = "c", Name = "c" };
        var closed = open with { AllowedAnnotatorIds = ["alice"] };
        Assert.True(open.Allows("bob"));
        Assert.False(closed.Allows("bob"));
        Assert.True(closed.Allows("alice"));
    }
}
