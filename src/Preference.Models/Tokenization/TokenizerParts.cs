using Microsoft.ML.Tokenizers;

namespace Preference.Models.Tokenization;

/// <summary>
/// What a format reader hands the loader: the library tokenizer for ordinary text, its vocabulary, the tokens that
/// are matched as whole strings before ordinary encoding (added/special tokens), and the format's own idea of BOS/EOS.
/// </summary>
internal sealed record TokenizerParts(
    Tokenizer Inner,
    string Format,
    IReadOnlyDictionary<string, int> Vocabulary,
    IReadOnlyDictionary<string, int> SpecialTokens,
    string? BosToken,
    string? EosToken)
{
    public int VocabSize =>
        Math.Max(Vocabulary.Count == 0 ? 0 : Vocabulary.Values.Max() + 1, SpecialTokens.Count == 0 ? 0 : SpecialTokens.Values.Max() + 1);

    public int? IdOf(string? token) =>
        token is null ? null
        : SpecialTokens.TryGetValue(token, out int special) ? special
        : Vocabulary.TryGetValue(token, out int id) ? id
        : null;
}
