namespace Preference.Models.Lora;

/// <summary>
/// Low-rank adapters (Hu et al. 2021) as PEFT configures them: which Linear layers get an adapter, its rank, scale and
/// dropout. The same fields appear in PEFT's adapter_config.json, so adapters trained here load there and back.
/// </summary>
public sealed record LoraConfig
{
    /// <summary>Rank r of the update B·A. Default 8: PEFT's default, enough for style and format tuning.</summary>
    public int Rank { get; init; } = 8;

    /// <summary>The update is scaled by alpha / r (or alpha / √r with rsLoRA). Default 16, twice the rank, as is common.</summary>
    public double Alpha { get; init; } = 16;

    /// <summary>Dropout on the adapter's input during training. Default 0.05; 0 makes training deterministic without RNG.</summary>
    public double Dropout { get; init; } = 0.05;

    /// <summary>
    /// Module names that get adapters: a layer matches when its name is one of these or ends with "." + one of these
    /// (PEFT's rule). Default q_proj, v_proj, the original paper's choice for attention.
    /// </summary>
    public string[] TargetModules { get; init; } = ["q_proj", "v_proj"];

    /// <summary>Scale by alpha / √r instead of alpha / r (rank-stabilised LoRA), which keeps large ranks learning. Default false.</summary>
    public bool UseRslora { get; init; }

    public double Scaling => UseRslora ? Alpha / Math.Sqrt(Rank) : Alpha / Rank;

    /// <summary>What is wrong with this config, each problem starting with the key's name.</summary>
    public IEnumerable<string> Problems()
    {
        if (Rank < 1) yield return "rank must be at least 1";
        if (!(Alpha > 0)) yield return "alpha must be positive";
        if (Dropout is < 0 or >= 1) yield return "dropout must be in [0, 1)";
        if (TargetModules.Length == 0) yield return "target_modules must name at least one module (e.g. q_proj,v_proj)";
        foreach (var name in TargetModules.Where(string.IsNullOrWhiteSpace).Take(1))
            yield return "target_modules has an empty name";
    }
}
