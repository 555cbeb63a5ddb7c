namespace Preference.Judges.Tests;

/// <summary>Finds ../shared (read-only real data beside the repository) from the test's output folder.</summary>
internal static class SharedData
{
    public static string Root { get; } = Locate();

    public static string PandaLm(string file) => Path.Combine(Root, "data", "pandalm", file);

    private static string Locate()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Preference.sln")))
                return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared"));
        throw new DirectoryNotFoundException("could not find the repository root (Preference.sln) above " + AppContext.BaseDirectory);
    }
}
