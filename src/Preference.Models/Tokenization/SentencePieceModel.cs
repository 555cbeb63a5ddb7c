using Google.Protobuf;

namespace Preference.Models.Tokenization;

/// <summary>Piece types of sentencepiece_model.proto.</summary>
public enum SentencePieceType
{
    Normal = 1,
    Unknown = 2,
    Control = 3,
    UserDefined = 4,
    Unused = 5,
    Byte = 6,
}

public readonly record struct SentencePieceEntry(string Piece, float Score, SentencePieceType Type = SentencePieceType.Normal);

/// <summary>
/// The parts of a SentencePiece <c>ModelProto</c> (<c>tokenizer.model</c>) that decide encoding, and a writer for
/// them. We write the protobuf ourselves only to hand vocabularies that arrive in other shapes (a Llama-style
/// <c>tokenizer.json</c>, tests) to the library's <c>SentencePieceTokenizer</c>, which reads nothing but this format.
/// </summary>
public sealed record SentencePieceModel
{
    public required IReadOnlyList<SentencePieceEntry> Pieces { get; init; }

    /// <summary>BPE (2) or Unigram (1).</summary>
    public int ModelType { get; init; } = 2;

    public bool ByteFallback { get; init; } = true;
    public bool AddDummyPrefix { get; init; } = true;
    public bool RemoveExtraWhitespaces { get; init; }
    public bool EscapeWhitespaces { get; init; } = true;
    public int UnknownId { get; init; }
    public int BosId { get; init; } = 1;
    public int EosId { get; init; } = 2;
    public int PadId { get; init; } = -1;

    // Field numbers from sentencepiece_model.proto.
    const int ModelPieces = 1, ModelTrainerSpec = 2, ModelNormalizerSpec = 3;
    const int PiecePiece = 1, PieceScore = 2, PieceType = 3;
    const int TrainerModelType = 3, TrainerVocabSize = 4, TrainerByteFallback = 35;
    const int TrainerUnkId = 40, TrainerBosId = 41, TrainerEosId = 42, TrainerPadId = 43;
    const int NormalizerName = 1, NormalizerAddDummyPrefix = 3, NormalizerRemoveExtraWhitespaces = 4, NormalizerEscapeWhitespaces = 5;

    public byte[] ToBytes()
    {
        using var buffer = new MemoryStream();
        var output = new CodedOutputStream(buffer);
        foreach (var entry in Pieces)
            WriteMessage(output, ModelPieces, o =>
            {
                o.WriteTag(PiecePiece, WireFormat.WireType.LengthDelimited);
                o.WriteString(entry.Piece);
                o.WriteTag(PieceScore, WireFormat.WireType.Fixed32);
                o.WriteFloat(entry.Score);
                o.WriteTag(PieceType, WireFormat.WireType.Varint);
                o.WriteEnum((int)entry.Type);
            });
        WriteMessage(output, ModelTrainerSpec, o =>
        {
            WriteInt(o, TrainerModelType, ModelType);
            WriteInt(o, TrainerVocabSize, Pieces.Count);
            WriteBool(o, TrainerByteFallback, ByteFallback);
            WriteInt(o, TrainerUnkId, UnknownId);
            WriteInt(o, TrainerBosId, BosId);
            WriteInt(o, TrainerEosId, EosId);
            WriteInt(o, TrainerPadId, PadId);
        });
        WriteMessage(output, ModelNormalizerSpec, o =>
        {
            o.WriteTag(NormalizerName, WireFormat.WireType.LengthDelimited);
            o.WriteString("identity");
            WriteBool(o, NormalizerAddDummyPrefix, AddDummyPrefix);
            WriteBool(o, NormalizerRemoveExtraWhitespaces, RemoveExtraWhitespaces);
            WriteBool(o, NormalizerEscapeWhitespaces, EscapeWhitespaces);
        });
        output.Flush();
        return buffer.ToArray();
    }

    static void WriteInt(CodedOutputStream o, int field, int value)
    {
        o.WriteTag(field, WireFormat.WireType.Varint);
        o.WriteInt32(value);
    }

    static void WriteBool(CodedOutputStream o, int field, bool value)
    {
        o.WriteTag(field, WireFormat.WireType.Varint);
        o.WriteBool(value);
    }

    static void WriteMessage(CodedOutputStream output, int field, Action<CodedOutputStream> write)
    {
        using var body = new MemoryStream();
        var inner = new CodedOutputStream(body);
        write(inner);
        inner.Flush();
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFrom(body.ToArray()));
    }
}
