namespace Preference.Bench;

/// <summary>The read-only shared folder beside the repository (../shared), where the real datasets benchmarks read live.</summary>
internal static class SharedFolder
{
    public static string Locate()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Preference.sln"))) dir = dir.Parent;
        var root = dir?.FullName ?? throw new InvalidOperationException("Preference.sln not found above the benchmark");
        return Path.Combine(root, "..", "shared");
    }
}
