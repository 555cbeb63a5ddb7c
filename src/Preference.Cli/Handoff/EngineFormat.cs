namespace Preference.Cli.Handoff;

/// <summary>
/// The data shapes `pref export --format` writes: TRL preference JSONL, OpenRLHF reward/DPO JSONL (the same rows plus
/// a margin), TRL's unpaired KTO JSONL, and verl's Parquet prompt rows.
/// </summary>
public enum EngineFormat { Trl, OpenRlhf, Kto, Verl }

public static class EngineFormats
{
    public static readonly string[] Names = ["trl", "openrlhf", "kto", "verl"];

    public static EngineFormat Parse(string name) => name switch
    {
        "trl" => EngineFormat.Trl,
        "openrlhf" => EngineFormat.OpenRlhf,
        "kto" => EngineFormat.Kto,
        "verl" => EngineFormat.Verl,
        _ => throw new ArgumentException($"--format: '{name}' is not one of {string.Join(", ", Names)}"),
    };
}
