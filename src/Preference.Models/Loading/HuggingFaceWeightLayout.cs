using System.Text.RegularExpressions;

namespace Preference.Models.Loading;

/// <summary>
/// How one architecture's checkpoint tensor names relate to our parameter names. Our modules carry Hugging Face's
/// names, so the map is small: an optional backbone prefix, buffers to skip, and GPT-2's Conv1D weights stored
/// transposed. The instances are in <see cref="HuggingFaceWeightLayouts"/>, one visible table.
/// </summary>
public sealed record HuggingFaceWeightLayout
{
    /// <summary>The backbone's prefix (<c>model.</c>, <c>transformer.</c>); checkpoints of the bare backbone omit it.</summary>
    public required string BackbonePrefix { get; init; }

    /// <summary>Parameters outside the backbone, never prefixed.</summary>
    public required IReadOnlyList<string> HeadNames { get; init; }

    /// <summary>The output projection, absent from our parameters when tied to the input embedding.</summary>
    public required string TiedHeadName { get; init; }

    /// <summary>Non-persistent buffers some checkpoints still carry (masks, rotary frequencies): skipped.</summary>
    public required IReadOnlyList<Regex> Buffers { get; init; }

    /// <summary>Weights stored [in, out] (GPT-2's Conv1D) while our Linear holds [out, in].</summary>
    public IReadOnlyList<Regex> Transposed { get; init; } = [];

    /// <summary>Our parameter name for a checkpoint name (prefix added when the checkpoint has the bare backbone).</summary>
    public string ToParameterName(string checkpointName) =>
        checkpointName.StartsWith(BackbonePrefix, StringComparison.Ordinal) || HeadNames.Contains(checkpointName)
            ? checkpointName
            : BackbonePrefix + checkpointName;

    public bool IsBuffer(string parameterName) => Buffers.Any(r => r.IsMatch(parameterName));

    public bool IsTransposed(string parameterName) => Transposed.Any(r => r.IsMatch(parameterName));
}
