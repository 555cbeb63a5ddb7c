namespace Preference.Cli.Tests;

/// <summary>Files of the repository the tests run from (configs, upstream flag lists), found above the test binaries.</summary>
public static class RepoFiles
{
    public static string Path(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, relative))) return System.IO.Path.Combine(dir.FullName, relative);
        throw new FileNotFoundException($"{relative}: not found above {AppContext.BaseDirectory}");
    }
}
