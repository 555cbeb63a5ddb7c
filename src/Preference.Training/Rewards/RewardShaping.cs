namespace Preference.Training.Rewards;

/// <summary>
/// What PPO does to scores after the sources: subtract a penalty from completions that never emitted the stop token
/// (TRL's missing_eos_penalty, which stops a policy from escaping a bad ending by running out of tokens), then clip.
/// </summary>
public sealed record RewardShaping(double? MissingEosPenalty = null, double? Clip = null)
{
    public float[] Apply(IReadOnlyList<float> scores, IReadOnlyList<bool> endedWithEos)
    {
        if (scores.Count != endedWithEos.Count) throw new ArgumentException("one EOS flag per score is needed", nameof(endedWithEos));
        var shaped = new float[scores.Count];
        for (int i = 0; i < shaped.Length; i++)
        {
            double value = scores[i];
            if (MissingEosPenalty is { } penalty && !endedWithEos[i]) value -= penalty;
            if (Clip is { } clip) value = Math.Clamp(value, -clip, clip);
            shaped[i] = (float)value;
        }
        return shaped;
    }
}
