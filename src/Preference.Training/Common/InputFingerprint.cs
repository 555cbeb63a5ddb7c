using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Preference.Training.Common;

/// <summary>
/// The hash of what a run was started with (its config and data) that <see cref="TrainingLoop"/> compares on resume:
/// one mechanism for every stage. Parts are appended in order: objects as their JSON, token ids as bytes followed by a
/// separator, so two different inputs never hash alike by shifting a boundary.
/// </summary>
public sealed class InputFingerprint : IDisposable
{
    readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    /// <summary>Appends an object (a config, a list of prompts) as its JSON.</summary>
    public InputFingerprint Add(object? value)
    {
        _hash.AppendData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(value)));
        return this;
    }

    /// <summary>Appends token ids and a separator byte that ends them.</summary>
    public InputFingerprint Add(IEnumerable<int> ids, byte separator)
    {
        foreach (var id in ids) _hash.AppendData(BitConverter.GetBytes(id));
        _hash.AppendData([separator]);
        return this;
    }

    /// <summary>The hash in lower-case hex.</summary>
    public string Value() => Convert.ToHexStringLower(_hash.GetHashAndReset());

    /// <summary>The fingerprint of a few objects, each as its JSON.</summary>
    public static string Of(params object?[] parts)
    {
        using var fingerprint = new InputFingerprint();
        foreach (var part in parts) fingerprint.Add(part);
        return fingerprint.Value();
    }

    public void Dispose() => _hash.Dispose();
}
