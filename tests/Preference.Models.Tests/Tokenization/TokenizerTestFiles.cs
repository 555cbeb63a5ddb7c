namespace Preference.Models.Tests.Tokenization;

/// <summary>Where the real stories260K files live for tests, and a scratch directory that cleans up after itself.</summary>
internal static class TokenizerTestFiles
{
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>The real llama2.c tokenizer: ../shared as the brief lays it out, else the copy the repository ships.</summary>
    public static string Tok512 => FirstExisting(
        Path.Combine(RepoRoot, "..", "shared", "models", "stories260K", "tok512.bin"),
        Path.Combine(RepoRoot, "models", "stories260K", "tok512.bin"));

    public static string Stories260KReference => FirstExisting(
        Path.Combine(RepoRoot, "..", "shared", "models", "stories260K", "stories260K_reference.json"),
        Path.Combine(RepoRoot, "models", "stories260K", "stories260K_reference.json"));

    static string FirstExisting(params string[] candidates) =>
        candidates.FirstOrDefault(File.Exists) ?? throw new FileNotFoundException("test data not found", candidates[0]);

    static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Preference.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("Preference.sln not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>A fresh directory under the temp folder, deleted on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "pref-tok-" + Guid.NewGuid().ToString("N"));

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
