using System.Security.Cryptography;
using System.Text;

namespace Preference.Store.Identity;

/// <summary>
/// Bearer tokens: 32 random bytes, shown once, stored only as SHA-256. A fast hash is enough because the token has
/// 256 bits of entropy (nothing to brute-force, unlike a password).
/// </summary>
public static class AccessToken
{
    public const string Prefix = "pref_";

    public static string New() => Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))
        .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
