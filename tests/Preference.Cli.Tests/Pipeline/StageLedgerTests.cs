using Preference.Cli.Pipeline;
using Preference.Cli.Serving;

namespace Preference.Cli.Tests.Pipeline;

public sealed class StageLedgerTests : IDisposable
{
    readonly string _directory = Directory.CreateTempSubdirectory("pref-ledger-").FullName;

    [Fact]
    public void A_stage_never_started_runs()
    {
        Assert.Equal(StagePlan.Run, new StageLedger(_directory).Plan("generate", "abc"));
    }

    [Fact]
    public void A_finished_stage_with_the_same_fingerprint_is_skipped()
    {
        var ledger = new StageLedger(_directory);
        ledger.MarkStarted("generate", "abc");
        ledger.MarkDone("generate", "abc");
        Assert.Equal(StagePlan.Skip, new StageLedger(_directory).Plan("generate", "abc"));
    }

    [Fact]
    public void A_started_stage_resumes()
    {
        new StageLedger(_directory).MarkStarted("ppo", "abc");
        Assert.Equal(StagePlan.Resume, new StageLedger(_directory).Plan("ppo", "abc"));
    }

    [Fact]
    public void A_finished_stage_whose_inputs_changed_is_refused_by_name()
    {
        var ledger = new StageLedger(_directory);
        ledger.MarkDone("reward", "abc");
        var error = Assert.Throws<CliException>(() => ledger.Plan("reward", "def"));
        Assert.Contains("stage reward: its inputs changed since it finished", error.Message);
    }

    [Fact]
    public void A_change_upstream_changes_every_later_fingerprint()
    {
        var inputs = new { epochs = 2 };
        Assert.NotEqual(StageLedger.Fingerprint("upstream-a", inputs), StageLedger.Fingerprint("upstream-b", inputs));
        Assert.Equal(StageLedger.Fingerprint("upstream-a", inputs), StageLedger.Fingerprint("upstream-a", new { epochs = 2 }));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
