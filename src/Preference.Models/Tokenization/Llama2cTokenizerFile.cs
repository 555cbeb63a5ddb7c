using System.Text;

namespace Preference.Models.Tokenization;

/// <summary>
/// The content of a llama2.c <c>tok*.bin</c>: an int32 max piece length, then per token a float32 score, an int32
/// byte length and the UTF-8 piece. The file does not store its own vocabulary size (the model header does), so the
/// reader is told how many entries to expect and checks that the file holds exactly that many.
/// </summary>
public sealed record Llama2cTokenizerFile(int MaxTokenLength, IReadOnlyList<byte[]> Pieces, IReadOnlyList<float> Scores)
{
    public static Llama2cTokenizerFile Read(string path, int vocabSize)
    {
        if (!File.Exists(path)) throw new TokenizerFormatException(path, "file not found");
        using var stream = File.OpenRead(path);
        return Read(stream, vocabSize, path);
    }

    public static Llama2cTokenizerFile Read(Stream stream, int vocabSize, string sourceName)
    {
        if (vocabSize <= 0)
            throw new TokenizerFormatException(sourceName, $"vocabulary size must be positive, got {vocabSize}");
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        var pieces = new byte[vocabSize][];
        var scores = new float[vocabSize];
        int maxTokenLength;
        try
        {
            maxTokenLength = reader.ReadInt32();
            if (maxTokenLength <= 0 || maxTokenLength > 1 << 16)
                throw new TokenizerFormatException(sourceName, $"max token length {maxTokenLength} is not plausible; not a llama2.c tokenizer");
            for (int i = 0; i < vocabSize; i++)
            {
                scores[i] = reader.ReadSingle();
                int length = reader.ReadInt32();
                if (length < 0 || length > maxTokenLength * 4 + 16)
                    throw new TokenizerFormatException(sourceName, $"token {i} has length {length}, beyond the declared max {maxTokenLength}");
                pieces[i] = reader.ReadBytes(length);
                if (pieces[i].Length != length)
                    throw new TokenizerFormatException(sourceName, $"file ends inside token {i} of {vocabSize}");
            }
        }
        catch (EndOfStreamException e)
        {
            throw new TokenizerFormatException(sourceName, $"file ends before all {vocabSize} tokens were read (is the vocabulary size right?)", e);
        }

        if (stream.CanSeek && stream.Position != stream.Length)
            throw new TokenizerFormatException(sourceName,
                $"{stream.Length - stream.Position} bytes left after {vocabSize} tokens; the model's vocabulary size does not match this tokenizer");
        return new Llama2cTokenizerFile(maxTokenLength, pieces, scores);
    }

    /// <summary>
    /// The number of entries, found by walking the file to its end: lets a lone <c>tok*.bin</c> load without its
    /// model; the model's own vocabulary size is still checked against it when both are known.
    /// </summary>
    public static int CountEntries(string path)
    {
        if (!File.Exists(path)) throw new TokenizerFormatException(path, "file not found");
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream);
        if (stream.Length < 4) throw new TokenizerFormatException(path, "too short to be a llama2.c tokenizer");
        int maxTokenLength = reader.ReadInt32();
        if (maxTokenLength <= 0 || maxTokenLength > 1 << 16)
            throw new TokenizerFormatException(path, $"max token length {maxTokenLength} is not plausible; not a llama2.c tokenizer");
        int count = 0;
        while (stream.Position < stream.Length)
        {
            if (stream.Length - stream.Position < 8) throw new TokenizerFormatException(path, $"file ends inside token {count}");
            stream.Position += 4;
            int length = reader.ReadInt32();
            if (length < 0 || length > stream.Length - stream.Position)
                throw new TokenizerFormatException(path, $"token {count} claims {length} bytes, past the end of the file");
            stream.Position += length;
            count++;
        }
        if (count == 0) throw new TokenizerFormatException(path, "no tokens in the file");
        return count;
    }

    /// <summary>Writes the same layout back, so tests and converters can produce files llama2.c's run.c reads.</summary>
    public void Write(Stream stream)
    {
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        writer.Write(MaxTokenLength);
        for (int i = 0; i < Pieces.Count; i++)
        {
            writer.Write(Scores[i]);
            writer.Write(Pieces[i].Length);
            writer.Write(Pieces[i]);
        }
    }
}
