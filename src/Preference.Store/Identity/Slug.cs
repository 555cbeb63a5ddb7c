using System.Text;

namespace Preference.Store.Identity;

/// <summary>Readable ids ("alice", "gpt-4o-judge-2") instead of GUIDs, because they show up in exports and charts.</summary>
public static class Slug
{
    public static string From(string text)
    {
        var sb = new StringBuilder();
        foreach (var c in text.Trim().ToLowerInvariant())
            sb.Append(char.IsAsciiLetterOrDigit(c) ? c : sb.Length > 0 && sb[^1] != '-' ? '-' : '\0');
        var slug = sb.ToString().Replace("\0", "").Trim('-');
        return slug.Length == 0 ? "x" : slug.Length > 40 ? slug[..40] : slug;
    }

    public static string Unique(string text, Func<string, bool> taken)
    {
        var slug = From(text);
        if (!taken(slug)) return slug;
        for (int i = 2; ; i++)
            if (!taken($"{slug}-{i}")) return $"{slug}-{i}";
    }
}
