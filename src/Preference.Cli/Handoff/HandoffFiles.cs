namespace Preference.Cli.Handoff;

/// <summary>Copies and script files of a hand-off.</summary>
public static class HandoffFiles
{
    public static async Task WriteScriptAsync(string path, string text)
    {
        await File.WriteAllTextAsync(path, text.EndsWith('\n') ? text : text + "\n");
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, File.GetUnixFileMode(path) | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
    }

    /// <summary>The files of a model directory (not its subdirectories: checkpoints, a critic, adapters' merged/ or base/).</summary>
    public static void CopyModel(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(source))
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)), overwrite: true);
    }
}
