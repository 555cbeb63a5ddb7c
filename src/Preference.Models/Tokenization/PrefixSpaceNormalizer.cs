using Microsoft.ML.Tokenizers;

namespace Preference.Models.Tokenization;

/// <summary>ByteLevel's <c>add_prefix_space</c> (RoBERTa, some GPT-2 exports): the first word is encoded as if a space preceded it.</summary>
internal sealed class PrefixSpaceNormalizer : Normalizer
{
    public override string Normalize(string original) => original.Length == 0 || original[0] == ' ' ? original : " " + original;

    public override string Normalize(ReadOnlySpan<char> original) => Normalize(original.ToString());
}
