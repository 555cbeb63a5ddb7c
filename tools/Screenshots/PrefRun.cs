using System.Diagnostics;
using System.Text.RegularExpressions;
using System.Threading.Channels;

namespace Preference.Tools.Screenshots;

/// <summary>A `pref` process started from the repository root, whose stdout lines can be awaited one pattern at a time.</summary>
public sealed class PrefRun : IAsyncDisposable
{
    readonly Process _process;
    readonly Channel<string> _lines = Channel.CreateUnbounded<string>();

    PrefRun(Process process)
    {
        _process = process;
        _ = PumpAsync();
    }

    public static PrefRun Start(string repositoryRoot, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = false, UseShellExecute = false, WorkingDirectory = repositoryRoot,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "pref.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        Console.WriteLine($"$ pref {string.Join(' ', args)}");
        return new PrefRun(Process.Start(start)!);
    }

    async Task PumpAsync()
    {
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            Console.WriteLine($"  | {line}");
            await _lines.Writer.WriteAsync(line);
        }
        _lines.Writer.Complete();
    }

    /// <summary>The first line from now on that matches <paramref name="pattern"/>; fails if the process ends first.</summary>
    public async Task<Match> WaitForAsync(Regex pattern, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await foreach (var line in _lines.Reader.ReadAllAsync(cancel.Token))
                if (pattern.Match(line) is { Success: true } match) return match;
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"pref printed no line matching {pattern} within {timeout}");
        }
        throw new InvalidOperationException($"pref ended (exit {_process.ExitCode}) before printing a line matching {pattern}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
