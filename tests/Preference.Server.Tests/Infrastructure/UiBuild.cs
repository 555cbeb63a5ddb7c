namespace Preference.Server.Tests.Infrastructure;

/// <summary>Where test.sh builds the web app; the browser tests need it.</summary>
public static class UiBuild
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static string DistDirectory => Path.Combine(RepositoryRoot, "ui", "dist");

    public static bool IsBuilt => File.Exists(Path.Combine(DistDirectory, "index.html"));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Preference.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("Preference.sln not found above the test binaries");
    }
}
