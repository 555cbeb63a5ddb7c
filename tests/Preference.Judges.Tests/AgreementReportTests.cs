using Preference.Core.Agreement;
using Preference.Judges.Agreement;

namespace Preference.Judges.Tests;

public sealed class AgreementReportTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pref-agree-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public async Task Gpt35_agrees_with_the_pandalm_human_majority_on_62_of_the_100_shipped_items()
    {
        // Computed independently with plain python over the two fixture files (every 7th PandaLM item): every item
        // has a 2-of-3 majority; 4 judge replies are unparseable and count as misses; 62/100 = 0.62, 62/96 = 0.64583
        // where the judge answered; Cohen's kappa vs the majority over those 96 = 0.36964078794901517; the humans'
        // Fleiss' kappa = 0.8020455295282083. The same script gives the whole-set figures of the test below.
        var report = JudgeAgreementReport.Build(
            await LabelFileReader.ReadAsync(TestData.Fixture("pandalm", "testset-every7th.json")),
            await LabelFileReader.ReadAsync(TestData.Fixture("pandalm", "gpt-3.5-turbo-judgments-every7th.json")));

        Assert.Equal(100, report.Accuracy.ItemsWithMajority);
        Assert.Equal(62, report.Accuracy.Correct);
        Assert.Equal(0.62, report.Accuracy.Accuracy, 12);
        Assert.Equal(0.6458333333333334, report.Accuracy.AccuracyWhereLabelled, 12);
        Assert.Equal(0.36964078794901517, report.KappaVsMajority, 10);
        Assert.Equal(4, report.JudgeFailures);
        Assert.Equal(2, report.JudgeTies);
        Assert.Equal(14, report.MajorityTies);
        Assert.Equal(0.8020455295282083, report.HumanFleissKappa, 10);
        Assert.Equal(13, report.Accuracy.Confusion[PairLabels.Second, PairLabels.First]);
        Assert.Equal(3, report.Accuracy.Confusion[PairLabels.Tie, MajorityAccuracy.NoLabel]);
    }

    [SharedDataFact]
    public async Task Gpt35_agrees_with_the_pandalm_human_majority_on_473_of_699_items()
    {
        // Computed independently with plain python over the two files: every item has a 2-of-3 majority; 22 judge
        // replies are unparseable ("garbage") and count as misses; 473/699 = 0.67668, 473/677 = 0.69867 where the
        // judge answered; Cohen's kappa vs the majority over those 677 = 0.47958791477945006.
        var report = JudgeAgreementReport.Build(
            await LabelFileReader.ReadAsync(TestData.Shared("data", "pandalm", "testset.json")),
            await LabelFileReader.ReadAsync(TestData.Shared("data", "pandalm", "gpt-3.5-turbo-judgments.json")));

        Assert.Equal(699, report.Accuracy.ItemsWithMajority);
        Assert.Equal(473, report.Accuracy.Correct);
        Assert.Equal(0.6766809728183119, report.Accuracy.Accuracy, 12);
        Assert.Equal(0.6986706056129985, report.Accuracy.AccuracyWhereLabelled, 12);
        Assert.Equal(0.47958791477945006, report.KappaVsMajority, 10);
        Assert.Equal(22, report.JudgeFailures);
        Assert.Equal(27, report.JudgeTies);
        Assert.Equal(0.8394149404602376, report.HumanFleissKappa, 10);
        Assert.Equal(52, report.Accuracy.Confusion[PairLabels.Second, PairLabels.First]);
        Assert.Equal(13, report.Accuracy.Confusion[PairLabels.Tie, MajorityAccuracy.NoLabel]);
    }

    [Fact]
    public async Task The_rendered_report_names_accuracy_kappa_flips_and_the_confusion_table()
    {
        var humans = await LabelFileReader.ReadAsync(TestData.Fixture("pandalm", "testset-every7th.json"));
        var judge = await LabelFileReader.ReadAsync(TestData.Fixture("pandalm", "gpt-3.5-turbo-judgments-every7th.json"));

        var text = JudgeAgreementReport.Build(humans, judge).Render();

        Assert.Contains("0.6200 (62/100", text);
        Assert.Contains("Cohen's kappa vs human majority", text);
        Assert.Contains("not measured", text);
        Assert.Contains("confusion", text);
    }

    [Fact]
    public async Task Verdict_logs_compare_by_response_id_whatever_order_each_annotator_saw()
    {
        var humans = Write("humans.jsonl", """
            {"taskId":"t1","annotatorId":"ann","ranking":[["b"],["a"]],"shownOrder":["a","b"]}
            {"taskId":"t1","annotatorId":"bob","ranking":[["b"],["a"]],"shownOrder":["b","a"]}
            {"taskId":"t2","annotatorId":"ann","ranking":[["c","d"]],"shownOrder":["c","d"]}
            {"taskId":"t2","annotatorId":"bob","ranking":[["c","d"]],"shownOrder":["d","c"]}
            """);
        var judge = Write("judge.jsonl", """
            {"taskId":"t1","annotatorId":"j","ranking":[["b"],["a"]],"shownOrder":["b","a"],"orderFlipped":false}
            {"taskId":"t2","annotatorId":"j","ranking":[["c","d"]],"shownOrder":["c","d"],"orderFlipped":true}
            """);

        var report = JudgeAgreementReport.Build(await LabelFileReader.ReadAsync(humans), await LabelFileReader.ReadAsync(judge));

        Assert.Equal(1.0, report.Accuracy.Accuracy);
        Assert.Equal(0.5, report.FlipRate);
        Assert.Equal(1, report.JudgeTies);
    }

    [Fact]
    public async Task A_campaign_annotation_listing_is_read_with_flips_from_metadata()
    {
        var humans = Write("humans.json", """
            [{"taskId":"t1","annotatorId":"ann","annotatorKind":"human","ranking":[["a"],["b"]],"shownOrder":["a","b"]}]
            """);
        var judge = Write("judge.json", """
            [{"taskId":"t1","annotatorId":"j","annotatorKind":"judge","ranking":[["b"],["a"]],"shownOrder":["a","b"],"metadata":{"order_flipped":"true"}}]
            """);

        var report = JudgeAgreementReport.Build(await LabelFileReader.ReadAsync(humans), await LabelFileReader.ReadAsync(judge));

        Assert.Equal(0.0, report.Accuracy.Accuracy);
        Assert.Equal(1.0, report.FlipRate);
    }

    [Fact]
    public async Task The_same_annotator_labelling_a_task_twice_is_rejected_naming_the_file()
    {
        var path = Write("twice.jsonl", """
            {"item":"1","annotator":"a","label":"first"}
            {"item":"1","annotator":"a","label":"second"}
            """);
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => LabelFileReader.ReadAsync(path));
        Assert.Contains("twice.jsonl", error.Message);
        Assert.Contains("more than once", error.Message);
    }

    [Fact]
    public async Task A_failed_verdict_counts_as_a_miss()
    {
        var humans = Write("h.jsonl", """
            {"item":"1","annotator":"a","label":"first"}
            {"item":"2","annotator":"a","label":"second"}
            """);
        var judge = Write("j.jsonl", """
            {"taskId":"1","annotatorId":"j","ranking":[["x"],["y"]],"shownOrder":["x","y"]}
            {"taskId":"2","annotatorId":"j","failure":"unparseable reply","shownOrder":["x","y"]}
            """);

        var report = JudgeAgreementReport.Build(await LabelFileReader.ReadAsync(humans), await LabelFileReader.ReadAsync(judge));

        Assert.Equal(0.5, report.Accuracy.Accuracy);
        Assert.Equal(1, report.JudgeFailures);
    }

    [Fact]
    public async Task A_ranking_of_three_is_compared_pair_by_pair()
    {
        var path = Write("k.jsonl", """{"taskId":"t","annotatorId":"a","ranking":[["z"],["x","y"]],"shownOrder":["x","y","z"]}""" + "\n");

        var set = await LabelFileReader.ReadAsync(path);

        var labels = set.Table.Items.ToDictionary(i => i.ItemId, i => i.Labels.Single());
        Assert.Equal(PairLabels.Tie, labels["t:x|y"]);
        Assert.Equal(PairLabels.Second, labels["t:x|z"]);
        Assert.Equal(PairLabels.Second, labels["t:y|z"]);
    }

    [Theory]
    [InlineData("bad.jsonl", "{\"item\":\"1\",\"annotator\":\"a\",\"label\":\"first\"}\n{not json\n", "line 2")]
    [InlineData("noid.jsonl", "{\"annotator\":\"a\",\"label\":\"first\"}\n", "'item'")]
    [InlineData("panda.json", "[{\"idx\":0,\"annotator1\":7}]", "'annotator1' is '7'")]
    [InlineData("empty.json", "[{\"idx\":0}]", "neither annotator1")]
    public async Task A_bad_label_file_is_rejected_naming_the_file_and_the_problem(string name, string content, string expected)
    {
        var path = Write(name, content);
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => LabelFileReader.ReadAsync(path));
        Assert.Contains(name, error.Message);
        Assert.Contains(expected, error.Message);
    }
}
