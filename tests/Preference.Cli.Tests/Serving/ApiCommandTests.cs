using System.Net.Http.Json;

namespace Preference.Cli.Tests.Serving;

/// <summary>`pref import` and `pref export` against a real server on loopback, through the shared API client.</summary>
public sealed class ApiCommandTests : IAsyncLifetime
{
    private LoopbackServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await LoopbackServer.StartAsync("pref_cli_api_test_admin");
        using var admin = _server.Admin();
        (await admin.PostAsJsonAsync("/api/campaigns", new { id = "c", name = "c" })).EnsureSuccessStatusCode();
    }

    private Task<PrefProcess.Result> PrefAsync(params string[] args) => _server.PrefAsync(args);

    private string File(string name, string text)
    {
        var path = Path.Combine(_server.Directory, name);
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public async Task Import_then_export_round_trips_through_the_server()
    {
        var imported = await PrefAsync("import", File("good.jsonl", """{"prompt": "2+2?", "completions": ["4", "5"]}"""), "--campaign", "c");
        Assert.Equal(0, imported.ExitCode);
        Assert.Contains("imported 1 tasks from good.jsonl", imported.Stdout);

        var output = Path.Combine(_server.Directory, "pairs.jsonl");
        var exported = await PrefAsync("export", "--campaign", "c", "--output", output);
        Assert.Equal(0, exported.ExitCode);
        Assert.True(System.IO.File.Exists(output));
    }

    [Fact]
    public async Task A_refused_import_exits_1_with_one_line_naming_the_bad_line()
    {
        var result = await PrefAsync("import", File("bad.jsonl", "{\"prompt\": \"fine\", \"completions\": [\"a\", \"b\"]}\n{\"prompt\": \"one\", \"completions\": [\"a\"]}"), "--campaign", "c");
        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: importing bad.jsonl: server answered 400", line);
        Assert.Contains("line 2", line);
    }

    [Fact]
    public async Task An_export_of_a_missing_campaign_exits_1_and_leaves_no_file()
    {
        var output = Path.Combine(_server.Directory, "none.jsonl");
        var result = await PrefAsync("export", "--campaign", "missing", "--output", output);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("404", Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        Assert.False(System.IO.File.Exists(output));
        Assert.False(System.IO.File.Exists(output + ".partial"));
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();
}
