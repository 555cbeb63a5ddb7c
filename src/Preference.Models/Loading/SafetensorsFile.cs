using System.Buffers.Binary;
using System.Text.Json;
using Microsoft.Win32.SafeHandles;
using TorchSharp;
using static TorchSharp.torch;

namespace Preference.Models.Loading;

/// <summary>
/// A safetensors file opened for reading: the header is parsed and checked against the file length up front, and each
/// tensor is read on demand straight from the file into the tensor's own memory (one copy, no second buffer), so a
/// checkpoint much larger than the free memory loads one tensor at a time.
/// </summary>
public sealed class SafetensorsFile : IDisposable
{
    // The reference implementation refuses headers above 100 MB; a longer "header" is a corrupt length field.
    const long MaxHeaderBytes = 100_000_000;

    readonly SafeFileHandle _handle;
    readonly long _dataStart;

    SafetensorsFile(string path, SafeFileHandle handle, long dataStart, IReadOnlyDictionary<string, SafetensorsEntry> entries,
        IReadOnlyDictionary<string, string> metadata)
    {
        Path = path;
        _handle = handle;
        _dataStart = dataStart;
        Entries = entries;
        Metadata = metadata;
    }

    public string Path { get; }

    public IReadOnlyDictionary<string, SafetensorsEntry> Entries { get; }

    /// <summary>The free-form <c>__metadata__</c> strings (transformers writes <c>format: pt</c>).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Bytes copied per read call; large tensors are read in slices of this size.</summary>
    internal int ChunkBytes { get; set; } = 1 << 28;

    public static SafetensorsFile Open(string path)
    {
        if (!File.Exists(path)) throw new ModelFormatException(path, "file not found");
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("safetensors reading needs a little-endian machine");
        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.RandomAccess);
        try
        {
            long fileLength = RandomAccess.GetLength(handle);
            if (fileLength < 8) throw new ModelFormatException(path, $"truncated: {fileLength} bytes, shorter than the 8-byte header length");
            Span<byte> lengthBytes = stackalloc byte[8];
            RandomAccess.Read(handle, lengthBytes, 0);
            ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
            if (headerLength > MaxHeaderBytes)
                throw new ModelFormatException(path, $"header length {headerLength} is implausible; not a safetensors file");
            if (8 + (long)headerLength > fileLength)
                throw new ModelFormatException(path, $"truncated: the header needs {headerLength} bytes, the file has {fileLength - 8} after the length");

            var header = new byte[headerLength];
            RandomAccess.Read(handle, header, 8);
            long dataStart = 8 + (long)headerLength;
            var (entries, metadata) = ParseHeader(path, header, fileLength - dataStart);
            return new SafetensorsFile(path, handle, dataStart, entries, metadata);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    static (Dictionary<string, SafetensorsEntry>, Dictionary<string, string>) ParseHeader(string path, byte[] header, long dataLength)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header);
        }
        catch (JsonException e)
        {
            throw new ModelFormatException(path, $"header is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine}): {e.Message.Split(". ")[0]}");
        }
        using var _ = document;
        if (document.RootElement.ValueKind != JsonValueKind.Object)
            throw new ModelFormatException(path, "header is not a JSON object");

        var entries = new Dictionary<string, SafetensorsEntry>();
        var metadata = new Dictionary<string, string>();
        foreach (var property in document.RootElement.EnumerateObject())
        {
            if (property.Name == "__metadata__")
            {
                if (property.Value.ValueKind != JsonValueKind.Object)
                    throw new ModelFormatException(path, "header field '__metadata__' is not an object");
                foreach (var item in property.Value.EnumerateObject())
                    metadata[item.Name] = item.Value.ValueKind == JsonValueKind.String ? item.Value.GetString()! : item.Value.GetRawText();
                continue;
            }
            var entry = ParseEntry(path, property);
            if (entry.End > dataLength)
                throw new ModelFormatException(path,
                    $"truncated or corrupt: tensor '{entry.Name}' ends at data byte {entry.End}, the file holds {dataLength} data bytes");
            if (!entries.TryAdd(entry.Name, entry)) throw new ModelFormatException(path, $"tensor '{entry.Name}' appears twice in the header");
        }
        return (entries, metadata);
    }

    static SafetensorsEntry ParseEntry(string path, JsonProperty property)
    {
        string name = property.Name;
        ModelFormatException Bad(string problem) => new(path, $"tensor '{name}': {problem}");
        var value = property.Value;
        if (value.ValueKind != JsonValueKind.Object) throw Bad("header entry is not an object");
        if (!value.TryGetProperty("dtype", out var dtypeNode) || dtypeNode.ValueKind != JsonValueKind.String)
            throw Bad("'dtype' is missing");
        string dtypeName = dtypeNode.GetString()!;
        if (!SafetensorsDType.TryParse(dtypeName, out var dtype, out int elementSize))
            throw Bad($"unknown dtype '{dtypeName}' (supported: {string.Join(", ", SafetensorsDType.Names)})");
        if (!value.TryGetProperty("shape", out var shapeNode) || shapeNode.ValueKind != JsonValueKind.Array)
            throw Bad("'shape' is missing");
        var shape = shapeNode.EnumerateArray().Select(d => d.TryGetInt64(out var n) && n >= 0 ? n : throw Bad("'shape' holds a non-integer or negative size")).ToArray();
        if (!value.TryGetProperty("data_offsets", out var offsetsNode) || offsetsNode.ValueKind != JsonValueKind.Array || offsetsNode.GetArrayLength() != 2)
            throw Bad("'data_offsets' must be [begin, end]");
        long begin = offsetsNode[0].TryGetInt64(out var b) ? b : -1, end = offsetsNode[1].TryGetInt64(out var e) ? e : -1;
        if (begin < 0 || end < begin) throw Bad($"'data_offsets' [{offsetsNode[0]}, {offsetsNode[1]}] are out of range");

        var entry = new SafetensorsEntry(name, dtypeName, dtype, shape, begin, end);
        if (entry.ElementCount * elementSize != entry.ByteLength)
            throw Bad($"shape [{string.Join(", ", shape)}] of {dtypeName} needs {entry.ElementCount * elementSize} bytes, 'data_offsets' span {entry.ByteLength}");
        return entry;
    }

    public bool Contains(string name) => Entries.ContainsKey(name);

    /// <summary>Reads one tensor, converted to <paramref name="dtype"/> (its stored dtype when null) on the CPU.</summary>
    public Tensor Read(string name, ScalarType? dtype = null)
    {
        if (!Entries.TryGetValue(name, out var entry)) throw new ModelFormatException(Path, $"tensor '{name}' is not in the file");
        var stored = empty(entry.Shape, entry.DType);
        try
        {
            ReadInto(stored, entry);
        }
        catch
        {
            stored.Dispose();
            throw;
        }
        if (dtype is null || dtype == entry.DType) return stored;
        using (stored) return stored.to(dtype.Value);
    }

    void ReadInto(Tensor destination, SafetensorsEntry entry)
    {
        // Slices of the flat view, so tensors over 2 GB (beyond a Span) load too.
        using var flat = destination.view(-1);
        int elementSize = (int)(entry.ByteLength / Math.Max(1, entry.ElementCount));
        long elementsPerChunk = Math.Max(1, ChunkBytes / Math.Max(1, elementSize));
        for (long start = 0; start < entry.ElementCount; start += elementsPerChunk)
        {
            long count = Math.Min(elementsPerChunk, entry.ElementCount - start);
            using var slice = flat.narrow(0, start, count);
            var span = slice.bytes; // the tensor's own memory (data_ptr honours the slice offset)
            long offset = _dataStart + entry.Begin + start * elementSize;
            int read = 0;
            while (read < span.Length)
            {
                int n = RandomAccess.Read(_handle, span[read..], offset + read);
                if (n == 0) throw new ModelFormatException(Path, $"truncated while reading tensor '{entry.Name}'");
                read += n;
            }
        }
    }

    public void Dispose() => _handle.Dispose();
}
