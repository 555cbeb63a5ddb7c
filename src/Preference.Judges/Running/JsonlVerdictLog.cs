using System.Text;
using System.Text.Json;
using Preference.Core.Domain;

namespace Preference.Judges.Running;

/// <summary>
/// An append-only JSON-lines verdict file: one <see cref="VerdictRecord"/> per line, flushed per line. A process
/// killed mid-write leaves at most one partial last line, which reading ignores and the next append terminates, so
/// that task is simply judged again.
/// </summary>
public sealed class JsonlVerdictLog(string path) : IVerdictStore
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public string Path { get; } = path;

    public async Task<IReadOnlyList<VerdictRecord>> ReadAllAsync(CancellationToken cancellationToken = default)
    {
        if (!File.Exists(Path)) return [];
        var records = new List<VerdictRecord>();
        var lines = await File.ReadAllLinesAsync(Path, cancellationToken);
        for (int i = 0; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i])) continue;
            try
            {
                records.Add(JsonSerializer.Deserialize<VerdictRecord>(lines[i], PreferenceJson.Options)
                            ?? throw new JsonException("null record"));
            }
            catch (JsonException) when (i == lines.Length - 1 || lines.Skip(i + 1).All(string.IsNullOrWhiteSpace))
            {
                // The torn tail of a killed run.
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{Path}: line {i + 1} is not a verdict record: {e.Message}", e);
            }
        }
        return records;
    }

    public async Task<IReadOnlySet<string>> JudgedTaskIdsAsync(string judgeName, CancellationToken cancellationToken = default) =>
        (await ReadAllAsync(cancellationToken)).Where(r => r.AnnotatorId == judgeName).Select(r => r.TaskId).ToHashSet();

    public async Task SaveAsync(VerdictRecord record, CancellationToken cancellationToken = default)
    {
        var line = JsonSerializer.Serialize(record, PreferenceJson.Options);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path));
            if (directory is not null) Directory.CreateDirectory(directory);
            await using var stream = new FileStream(Path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
            var prefix = await EndsWithPartialLineAsync(stream, cancellationToken) ? "\n" : "";
            stream.Seek(0, SeekOrigin.End);
            await stream.WriteAsync(Encoding.UTF8.GetBytes(prefix + line + "\n"), cancellationToken);
            await stream.FlushAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    private static async Task<bool> EndsWithPartialLineAsync(FileStream stream, CancellationToken cancellationToken)
    {
        if (stream.Length == 0) return false;
        stream.Seek(-1, SeekOrigin.End);
        var last = new byte[1];
        await stream.ReadExactlyAsync(last, cancellationToken);
        return last[0] != (byte)'\n';
    }
}
