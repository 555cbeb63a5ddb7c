using System.CommandLine;
using Preference.Cli.Serving;
using Preference.Judges.Agreement;

namespace Preference.Cli.Commands;

/// <summary>`pref judge agreement --humans H --judge J`: accuracy against the human majority, kappa, confusion, flips, ties.</summary>
public static class JudgeAgreementCommand
{
    public static Command Create()
    {
        var humans = new Option<FileInfo>("--humans") { Description = "Human labels: annotation export / label JSONL, or PandaLM testset.json", Required = true };
        var judge = new Option<FileInfo>("--judge") { Description = "Judge labels: a verdict log from `pref judge`, label JSONL, or PandaLM judgments", Required = true };
        var judgeName = new Option<string?>("--judge-name") { Description = "Annotator to read from the judge file when it holds several" };

        var command = new Command("agreement", "Compare a judge's verdicts with human annotations") { humans, judge, judgeName };
        command.SetAction(CliAction.Of(async (parse, cancellationToken) =>
        {
            try
            {
                var human = await LabelFileReader.ReadAsync(parse.GetValue(humans)!.FullName, cancellationToken);
                var judged = await LabelFileReader.ReadAsync(parse.GetValue(judge)!.FullName, cancellationToken);
                if (parse.GetValue(judgeName) is { } name) judged = judged.ForRater(name);
                if (human.Table.Items.Count == 0) throw new CliException($"--humans: {parse.GetValue(humans)!.FullName} holds no labels");
                Console.Write(JudgeAgreementReport.Build(human, judged).Render());
            }
            catch (InvalidDataException e)
            {
                throw new CliException(e.Message);
            }
        }));
        return command;
    }
}
