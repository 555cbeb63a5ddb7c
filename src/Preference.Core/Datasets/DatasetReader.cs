using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace Preference.Core.Datasets;

/// <summary>
/// Streams a dataset file record by record: JSONL (one record per line, numbered from 1), or a single JSON array
/// (qa-feedback ships that way; items numbered from 1). Bad records come back as errors instead of stopping the read,
/// so a caller can report every bad line at once.
/// </summary>
public static class DatasetReader
{
    public static async IAsyncEnumerable<DatasetRow> ReadAsync(
        Stream stream, DatasetFormat format, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // A PipeReader lets us look at the first byte without consuming it, even on a request body.
        var pipe = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 1 << 16, leaveOpen: true));
        var isArray = await StartsWithArrayAsync(pipe, cancellationToken);
        var buffered = pipe.AsStream();
        if (isArray)
        {
            long item = 0;
            await foreach (var element in JsonSerializer.DeserializeAsyncEnumerable<JsonElement>(buffered, cancellationToken: cancellationToken))
                yield return ParseOne(++item, element, format);
            yield break;
        }

        using var reader = new StreamReader(buffered, Encoding.UTF8);
        long line = 0;
        while (await reader.ReadLineAsync(cancellationToken) is { } text)
        {
            line++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            var (element, error) = ParseJson(text);
            if (error is not null)
            {
                yield return new DatasetRow(line, null, error);
                continue;
            }
            yield return ParseOne(line, element, format);
        }
    }

    /// <summary>One JSONL line as a JSON value, or the error that names what is wrong with it.</summary>
    internal static (JsonElement Element, string? Error) ParseJson(string text)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            return (doc.RootElement.Clone(), null);
        }
        catch (JsonException e)
        {
            return (default, $"invalid JSON: {e.Message.Split(" LineNumber")[0]}");
        }
    }

    private static DatasetRow ParseOne(long number, JsonElement element, DatasetFormat format)
    {
        try
        {
            return new DatasetRow(number, ImportItemParser.Parse(element, format), null);
        }
        catch (DatasetFormatException e)
        {
            return new DatasetRow(number, null, e.Message);
        }
    }

    private static async Task<bool> StartsWithArrayAsync(PipeReader pipe, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await pipe.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            foreach (var segment in buffer)
                foreach (var b in segment.Span)
                {
                    if (b is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t' or 0xEF or 0xBB or 0xBF) continue;
                    pipe.AdvanceTo(buffer.Start, buffer.Start);
                    return b == (byte)'[';
                }
            if (result.IsCompleted)
            {
                pipe.AdvanceTo(buffer.Start, buffer.Start);
                return false;
            }
            pipe.AdvanceTo(buffer.Start, buffer.End);
        }
    }
}
