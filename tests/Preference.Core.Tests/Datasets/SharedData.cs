namespace Preference.Core.Tests.Datasets;

/// <summary>Locates the read-only ../shared folder beside the repository.</summary>
internal static class SharedData
{
    public static string Path(params string[] parts)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Preference.sln")))
                return System.IO.Path.Combine([dir.FullName, "..", "shared", .. parts]);
        throw new DirectoryNotFoundException("repository root (Preference.sln) not found above the test binaries");
    }
}
