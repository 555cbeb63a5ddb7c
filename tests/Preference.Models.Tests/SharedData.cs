using System.Text.Json;

namespace Preference.Models.Tests;

/// <summary>Paths into ../shared (real model and reference outputs) and the repository's embedded model.</summary>
public static class SharedData
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string SharedRoot => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared"));

    public static string Stories260K => Path.Combine(SharedRoot, "models", "stories260K", "stories260K.bin");

    public static string Tok512 => Path.Combine(SharedRoot, "models", "stories260K", "tok512.bin");

    public static JsonElement Stories260KReference { get; } =
        JsonDocument.Parse(File.ReadAllText(Path.Combine(SharedRoot, "models", "stories260K", "stories260K_reference.json"))).RootElement;

    public static int[] ReferenceGreedyTokens =>
        Stories260KReference.GetProperty("greedy_next_tokens_64").EnumerateArray().Select(e => e.GetInt32()).ToArray();

    public static float[][] ReferenceLogits =>
        Stories260KReference.GetProperty("logits_first4").EnumerateArray()
            .Select(row => row.EnumerateArray().Select(v => v.GetSingle()).ToArray()).ToArray();

    static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Preference.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Preference.sln not found above the test output");
    }
}
