using System.Text;
using System.Text.Json;
using Preference.Core.Domain;

namespace Preference.Judges.Running;

/// <summary>
/// An append-only JSON-lines verdict file: one <see cref="VerdictRecord"/> per line, flushed per line. A process
/// killed mid-write leaves at most one partial last line, which reading ignores and the next append cuts off, so that
/// task is simply judged again.
/// </summary>
public sealed class JsonlVerdictLog(string path) : IVerdictStore
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public string Path { get; } = path;

    public async Task<IReadOnlyList<VerdictRecord>> ReadAllAsync(CancellationToken cancellationToken = default)
    {
        if (!File.Exists(Path)) return [];
        var records = new List<VerdictRecord>();
        var text = await File.ReadAllTextAsync(Path, cancellationToken);
        // Every complete record ends with a newline; whatever follows the last one is the torn tail of a killed run.
        var lines = text.Split('\n')[..^1];
        for (int i = 0; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i])) continue;
            try
            {
                records.Add(JsonSerializer.Deserialize<VerdictRecord>(lines[i], PreferenceJson.Options)
                            ?? throw new JsonException("null record"));
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
            await DropTornTailAsync(stream, cancellationToken);
            stream.Seek(0, SeekOrigin.End);
            await stream.WriteAsync(Encoding.UTF8.GetBytes(line + "\n"), cancellationToken);
            await stream.FlushAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Cuts the file back to its last newline: a torn record is half a verdict, and that task is judged again.</summary>
    private static async Task DropTornTailAsync(FileStream stream, CancellationToken cancellationToken)
    {
        var block = new byte[4096];
        long end = stream.Length;
        while (end > 0)
        {
            int size = (int)Math.Min(block.Length, end);
            stream.Seek(end - size, SeekOrigin.Begin);
            await stream.ReadExactlyAsync(block.AsMemory(0, size), cancellationToken);
            int newline = Array.LastIndexOf(block, (byte)'\n', size - 1, size);
            if (newline >= 0)
            {
                long keep = end - size + newline + 1;
                if (keep != stream.Length) stream.SetLength(keep);
                return;
            }
            end -= size;
        }
        stream.SetLength(0);
    }
}
