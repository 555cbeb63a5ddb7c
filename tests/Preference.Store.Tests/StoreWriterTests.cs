using Preference.Core.Domain;

namespace Preference.Store.Tests;

/// <summary>The single writer commits queued operations in groups; one failing operation must not take others with it.</summary>
public class StoreWriterTests
{
    private static Prompt PromptNamed(string id) => new() { Id = id, Text = id };

    [Fact]
    public async Task A_failing_operation_fails_only_its_caller_and_its_neighbours_are_committed()
    {
        using var test = new TestStore();
        var writer = test.Store.Writer;
        var prompts = test.Store.Collections.Prompts;

        // Queued back to back, so they usually share a group, which the writer must then redo one by one.
        var before = writer.WriteAsync(() => prompts.Upsert(PromptNamed("before")));
        var failing = writer.WriteAsync(() =>
        {
            prompts.Upsert(PromptNamed("half-written"));
            throw new InvalidOperationException("bad operation");
        });
        var after = writer.WriteAsync(() => prompts.Upsert(PromptNamed("after")));

        await before;
        await after;
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => failing);
        Assert.Equal("bad operation", error.Message);
        var store = test.Reopen();
        Assert.NotNull(store.Collections.Prompts.Get("before"));
        Assert.NotNull(store.Collections.Prompts.Get("after"));
        Assert.Null(store.Collections.Prompts.Get("half-written"));
    }

    [Fact]
    public async Task Writes_after_a_failure_still_commit()
    {
        using var test = new TestStore();
        var prompts = test.Store.Collections.Prompts;
        await Assert.ThrowsAsync<InvalidOperationException>(() => test.Store.Writer.WriteAsync(() => throw new InvalidOperationException("bad")));

        await test.Store.Writer.WriteAsync(() => prompts.Upsert(PromptNamed("later")));

        Assert.NotNull(test.Reopen().Collections.Prompts.Get("later"));
    }

    [Fact]
    public async Task A_write_after_the_store_is_disposed_is_refused()
    {
        using var test = new TestStore();
        var writer = test.Store.Writer;
        test.Store.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => writer.WriteAsync(() => { }));
    }
}
