using System.Text;
using Preference.Models.Tokenization;
using Preference.Training.Reward.Modeling;

namespace Preference.Training.Reward.Export;

/// <summary>
/// The README.md of an exported reward model: how transformers loads it, what text it expects, and which of our
/// heads transformers leaves out (and so what its scores lack).
/// </summary>
static class RewardModelReadme
{
    public static string Text(RewardModelCard card, ModelTokenizer tokenizer)
    {
        int? pad = HuggingFaceTokenizerFiles.ExportedPadId(tokenizer);
        var text = new StringBuilder();
        text.AppendLine("# Reward model");
        text.AppendLine();
        text.AppendLine("Written by `pref rm train`. It loads in transformers as a sequence classifier with one score:");
        text.AppendLine();
        text.AppendLine("```python");
        text.AppendLine("from transformers import AutoModelForSequenceClassification, AutoTokenizer");
        text.AppendLine("model = AutoModelForSequenceClassification.from_pretrained(DIR)  # num_labels 1, score.weight");
        text.AppendLine("tokenizer = AutoTokenizer.from_pretrained(DIR)");
        text.AppendLine("batch = tokenizer([prompt + completion + tokenizer.eos_token], return_tensors=\"pt\", padding=True)");
        text.AppendLine("reward = model(**batch).logits[:, 0]");
        text.AppendLine("```");
        text.AppendLine();
        text.AppendLine($"- Input: BOS, the prompt and the completion as one text, then EOS; at most {card.MaxLength} tokens, cut from the " +
                        $"{card.TruncationSide} (prompt context: {card.Context.ToString().ToLowerInvariant()}).");
        text.AppendLine(pad is { } id && id != tokenizer.EosId
            ? $"- The score is read at the last token that is not the pad (pad_token_id {id}): the EOS, as in training."
            : "- The tokenizer has no pad token of its own, so pad_token_id is the EOS: transformers reads the score one token " +
              "before the EOS, where training read it at the EOS itself. Pad batches with another token for the trained scores.");
        if (card.Normalization is { } stats)
            text.AppendLine($"- Raw scores; PPO here normalises them with mean {stats.Mean:G6} and std {stats.Std:G6} (reward_model.json).");
        if (card.Pooling == RewardPooling.LastAndMean)
            text.AppendLine("- **Not in the transformers score:** `pooled_score.weight` · mean of the hidden states over the completion's " +
                            "tokens (EOS included) is added to the reward here; transformers ignores that tensor (it warns about an unused weight).");
        if (card.Features != RewardFeatures.None)
            text.AppendLine("- **Not in the transformers score:** `feature_score.weight` · (f − `feature_score.mean`) / `feature_score.std` is " +
                            $"added here, where f are text features ({string.Join(", ", card.FeatureNames ?? [])}) computed from the prompt and " +
                            "completion strings; a transformers forward cannot compute them, so they are not folded into score.weight. " +
                            "Score with `pref rm score` for the full reward, or compute the features as reward_model.json names them.");
        return text.ToString();
    }
}
