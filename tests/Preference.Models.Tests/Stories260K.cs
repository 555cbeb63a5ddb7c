using System.Text.Json;

namespace Preference.Models.Tests;

/// <summary>
/// The bundled stories260K model (models/stories260K, copied beside the binaries as the application ships it) and
/// llama2.c's reference outputs for it (tests/fixtures/stories260K).
/// </summary>
public static class Stories260K
{
    public static string Model => ModelBundle.EmbeddedDefaultPath;

    public static string Tokenizer => Path.Combine(Path.GetDirectoryName(Model)!, "tok512.bin");

    public static string ReferenceFile => TestData.Fixture("stories260K", "stories260K_reference.json");

    public static JsonElement Reference { get; } = JsonDocument.Parse(File.ReadAllText(ReferenceFile)).RootElement;

    /// <summary>The 64 tokens run.c picks greedily after BOS.</summary>
    public static int[] ReferenceGreedyTokens =>
        Reference.GetProperty("greedy_next_tokens_64").EnumerateArray().Select(e => e.GetInt32()).ToArray();

    /// <summary>run.c's logits at the first four positions of BOS + the greedy tokens.</summary>
    public static float[][] ReferenceLogits =>
        Reference.GetProperty("logits_first4").EnumerateArray()
            .Select(row => row.EnumerateArray().Select(v => v.GetSingle()).ToArray()).ToArray();
}
