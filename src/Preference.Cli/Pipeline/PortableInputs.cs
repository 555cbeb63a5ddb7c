using System.Security.Cryptography;

namespace Preference.Cli.Pipeline;

/// <summary>
/// How a path enters a stage fingerprint without tying the run to where it lies: a path inside the run directory by
/// its place in the run (the earlier stages' fingerprints already cover what was written there), any other existing
/// file or directory by its content. A run directory copied or moved elsewhere thus keeps every fingerprint.
/// </summary>
public static class PortableInputs
{
    public static string? Of(string runDirectory, string? path)
    {
        if (string.IsNullOrWhiteSpace(path)) return path;
        var full = Path.GetFullPath(path); // as the stages open it: relative to the working directory
        var relative = Path.GetRelativePath(Path.GetFullPath(runDirectory), full);
        if (relative != ".." && !relative.StartsWith(".." + Path.DirectorySeparatorChar, StringComparison.Ordinal) && !Path.IsPathRooted(relative))
            return "run:" + relative.Replace(Path.DirectorySeparatorChar, '/');
        if (File.Exists(full)) return "sha256:" + StageLedger.FileHash(full);
        if (Directory.Exists(full)) return "sha256:" + DirectoryHash(full);
        return path; // not there: the stage itself reports it
    }

    /// <summary>Names (relative, '/'-separated) and contents of every file under <paramref name="directory"/>, in a fixed order.</summary>
    static string DirectoryHash(string directory)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
                     .Select(f => (Full: f, Name: Path.GetRelativePath(directory, f).Replace(Path.DirectorySeparatorChar, '/')))
                     .OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(file.Name + "\n"));
            using var stream = File.OpenRead(file.Full);
            hash.AppendData(SHA256.HashData(stream));
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
    }
}
