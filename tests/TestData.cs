namespace Preference.Testing;

/// <summary>
/// Where tests find real data. The fixtures in <c>tests/fixtures</c> ship with the repository and are copied beside
/// the test binaries, so every test runs on a fresh clone; <c>../shared</c> beside the repository, where it exists,
/// holds the whole data sets for the few extra checks marked <see cref="SharedDataFactAttribute"/>.
/// </summary>
/// <remarks>One source file compiled into every test project (Directory.Build.props), not a copy per project.</remarks>
internal static class TestData
{
    /// <summary>A file under <c>tests/fixtures</c>, e.g. <c>Fixture("pandalm", "testset-every7th.json")</c>.</summary>
    public static string Fixture(params string[] parts) => Path.Combine([AppContext.BaseDirectory, "fixtures", .. parts]);

    /// <summary>The read-only <c>../shared</c> folder beside the repository, or null on a clone without it.</summary>
    public static string? SharedRoot { get; } = LocateShared();

    /// <summary>A file under <c>../shared</c>; only for tests marked <see cref="SharedDataFactAttribute"/>.</summary>
    public static string Shared(params string[] parts) =>
        Path.Combine([SharedRoot ?? throw new DirectoryNotFoundException("../shared is not beside the repository"), .. parts]);

    private static string? LocateShared()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Preference.sln")))
            {
                var shared = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared"));
                return Directory.Exists(shared) ? shared : null;
            }
        return null;
    }
}

/// <summary>An extra check on a whole data set in <c>../shared</c>: skipped, saying why, on a clone without it.</summary>
internal sealed class SharedDataFactAttribute : FactAttribute
{
    public SharedDataFactAttribute()
    {
        if (TestData.SharedRoot is null) Skip = "needs ../shared beside the repository (the whole data set); the fixture-based test beside it always runs";
    }
}
