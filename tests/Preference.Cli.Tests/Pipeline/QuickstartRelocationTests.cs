using Preference.Cli.Pipeline;

namespace Preference.Cli.Tests.Pipeline;

public sealed class QuickstartRelocationTests : IDisposable
{
    readonly TinyQuickstart _quickstart = new(ppoSteps: 2);
    readonly string _elsewhere = Directory.CreateTempSubdirectory("pref-moved-").FullName;

    [Fact]
    public async Task A_finished_run_directory_copied_elsewhere_skips_every_stage_instead_of_refusing()
    {
        var first = await _quickstart.RunAsync();
        Assert.True(first.ExitCode == 0, first.Stdout + first.Stderr);
        var copy = Path.Combine(_elsewhere, "copied-run");
        CopyDirectory(_quickstart.RunDirectory, copy);
        var ledger = File.ReadAllText(Path.Combine(copy, StageLedger.FileName));
        // The original goes away, so nothing in the copy can still lean on it.
        Directory.Delete(_quickstart.RunDirectory, recursive: true);

        var again = await _quickstart.RunAsync([], null, copy);

        Assert.True(again.ExitCode == 0, again.Stdout + again.Stderr);
        foreach (var stage in QuickstartPipeline.Stages.Select(s => s.Name).Where(s => s != "report"))
            Assert.Contains($"{stage}: done earlier with the same inputs, skipped", again.Stdout);
        var fingerprints = new StageLedger(copy).Read();
        Assert.All(fingerprints, s => Assert.True(s.Value.Done, $"{s.Key} is not done"));
        Assert.Equal(System.Text.Json.JsonDocument.Parse(ledger).RootElement.GetProperty("ppo").GetProperty("fingerprint").GetString(),
            fingerprints["ppo"].Fingerprint);
        Assert.True(File.Exists(Path.Combine(copy, "report.html")));
    }

    static void CopyDirectory(string from, string to)
    {
        foreach (var directory in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, directory)));
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
    }

    public void Dispose()
    {
        _quickstart.Dispose();
        try { Directory.Delete(_elsewhere, recursive: true); } catch (IOException) { }
    }
}
