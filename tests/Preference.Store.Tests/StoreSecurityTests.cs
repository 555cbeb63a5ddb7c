using LiteDB;
using Preference.Core.Domain;
using Preference.Store.Errors;

namespace Preference.Store.Tests;

/// <summary>What the store keeps from other users of the machine and from bad records.</summary>
public class StoreSecurityTests
{
    private const UnixFileMode GroupOrOther =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    [Fact]
    public async Task The_store_directory_and_its_files_are_readable_by_the_owner_only()
    {
        if (OperatingSystem.IsWindows()) return; // Unix file modes only
        using var test = new TestStore();
        await test.CampaignWithTasksAsync(3);
        Assert.Equal(UnixFileMode.None, File.GetUnixFileMode(test.Directory) & GroupOrOther);
        var files = Directory.GetFiles(test.Directory);
        Assert.Contains(Path.Combine(test.Directory, PreferenceStore.FileName), files);
        foreach (var file in files) Assert.Equal(UnixFileMode.None, File.GetUnixFileMode(file) & GroupOrOther);
        test.Reopen();
        foreach (var file in Directory.GetFiles(test.Directory)) Assert.Equal(UnixFileMode.None, File.GetUnixFileMode(file) & GroupOrOther);
    }

    [Fact]
    public void A_world_readable_file_from_an_older_build_is_made_private_on_open()
    {
        if (OperatingSystem.IsWindows()) return; // Unix file modes only
        using var test = new TestStore();
        test.Store.Dispose();
        var path = Path.Combine(test.Directory, PreferenceStore.FileName);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        test.Reopen();
        Assert.Equal(UnixFileMode.None, File.GetUnixFileMode(path) & GroupOrOther);
    }

    [Fact]
    public async Task A_stored_campaign_with_null_allowed_annotators_is_open_to_everyone_after_reopening()
    {
        using var test = new TestStore();
        var alice = await test.AnnotatorAsync("alice");
        test.Store.Dispose();
        // A record as an older build (or a hand edit) could leave it: the list explicitly null.
        using (var db = new LiteDatabase(new ConnectionString { Filename = Path.Combine(test.Directory, PreferenceStore.FileName), Connection = ConnectionType.Direct }))
            db.GetCollection("campaigns").Insert(new BsonDocument
            {
                ["_id"] = "legacy",
                ["json"] = """{"id":"legacy","name":"legacy","responsesPerTask":2,"overlap":1,"allowedAnnotatorIds":null,"reservationTimeout":"00:15:00"}""",
            });
        var store = test.Reopen();
        var legacy = store.Campaigns.Get("legacy");
        Assert.True(legacy.Campaign.Allows(alice.Id));
        Assert.Null(await legacy.NextAsync(alice.Id));
    }

    [Fact]
    public async Task A_revoked_token_stays_revoked_after_reopening_and_rotation_replaces_it()
    {
        using var test = new TestStore();
        var issued = await test.Store.Annotators.CreateAsync("alice", AnnotatorRole.Annotator, AnnotatorKind.Human);
        await test.Store.Annotators.RevokeAsync("alice");
        Assert.Null(test.Store.Annotators.Authenticate(issued.Token));
        Assert.Null(test.Reopen().Annotators.Authenticate(issued.Token));
        Assert.NotNull(test.Store.Annotators.Get("alice")!.RevokedAt);

        var rotated = await test.Store.Annotators.RotateAsync("alice");
        Assert.Equal("alice", test.Reopen().Annotators.Authenticate(rotated.Token)?.Id);
        Assert.Null(test.Store.Annotators.Authenticate(issued.Token));
        await Assert.ThrowsAsync<StoreNotFoundException>(() => test.Store.Annotators.RevokeAsync("nobody"));
    }
}
