using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Preference.Cli.Tests.Handoff;

/// <summary>Reads generated launch files as their interpreters would: shell syntax, command-line flags, Python syntax.</summary>
public static partial class GeneratedFiles
{
    /// <summary>Runs a checker; (exit code, stderr).</summary>
    public static (int ExitCode, string Error) Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, error);
    }

    public static bool HasPython => Environment.GetEnvironmentVariable("PATH")!.Split(':').Any(d => File.Exists(Path.Combine(d, "python3")));

    /// <summary>The names of the functions a Python file defines, with their parameter names (Python's own parser).</summary>
    public static string PythonFunctions(string path)
    {
        var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "-c", "import ast, sys; tree = ast.parse(open(sys.argv[1]).read()); " +
                                          "print(';'.join(f.name + '(' + ','.join(a.arg for a in f.args.args) + ')' for f in tree.body if isinstance(f, ast.FunctionDef)))", path })
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd().Trim();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{path} is not valid Python: {error}");
        return output;
    }

    /// <summary>The shell command following <paramref name="marker"/>, continuation lines joined, split into words.</summary>
    public static List<string> CommandAfter(string script, string marker)
    {
        var joined = script.Replace("\\\n", " ");
        var line = joined.Split('\n').First(l => l.Contains(marker));
        return Words().Matches(line[(line.IndexOf(marker, StringComparison.Ordinal) + marker.Length)..]).Select(m => m.Value.Trim('"')).ToList();
    }

    [GeneratedRegex("\"[^\"]*\"|'[^']*'|\\S+")]
    private static partial Regex Words();
}
