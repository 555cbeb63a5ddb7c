using System.Text.Json;
using Preference.Core.Datasets;

namespace Preference.Cli.Handoff;

/// <summary>
/// TRL: prompts for GRPOTrainer (whose <c>reward_funcs</c> call our server), pairs for DPOTrainer, and one Python
/// script running either, to be started with <c>accelerate launch</c> on as many GPUs as the machine has.
/// </summary>
public sealed class TrlHandoff : IEngineHandoff
{
    public const string Script = "train_trl.py";
    public const string PromptsFile = "data/prompts.jsonl";
    public const string PairsFile = "data/pairs.jsonl";

    public string Engine => "trl";

    public async Task<IReadOnlyList<string>> WriteAsync(HandoffPlan plan, CancellationToken cancellationToken)
    {
        await File.WriteAllLinesAsync(plan.PathOf(PromptsFile), plan.Prompts.Select(p => JsonSerializer.Serialize(
            new Dictionary<string, string?> { ["prompt"] = p.Prompt.AsPlainText(), ["reference"] = p.Reference })), cancellationToken);
        if (plan.Pairs is { } pairs)
            await EngineExport.WritePairsAsync(EngineFormat.Trl, EngineExport.ReadPairsAsync(pairs, cancellationToken), plan.PathOf(PairsFile),
                TrlExportStyle.Standard, margin: false, cancellationToken);
        await File.WriteAllTextAsync(plan.PathOf(Script), $$"""
            # Continue training ./policy with TRL (see README.md):
            #   REWARD_URL=http://REWARD_HOST:5090 accelerate launch {{Script}} grpo   # online GRPO, rewards from `pref serve-reward`
            #   accelerate launch {{Script}} dpo                                      # offline DPO on the exported pairs
            import sys

            from datasets import load_dataset
            from transformers import AutoTokenizer
            from trl import DPOConfig, DPOTrainer, GRPOConfig, GRPOTrainer
            {{RewardClientPython.Preamble}}

            HERE = os.path.dirname(os.path.abspath(__file__))
            POLICY = os.path.join(HERE, "{{HandoffPlan.PolicyDirectory}}")


            def as_text(value):
                # Conversational datasets give message lists; the reward server scores the text.
                return value if isinstance(value, str) else value[-1]["content"]


            def pref_reward(prompts, completions, reference=None, **kwargs):
                return pref_rewards([as_text(p) for p in prompts], [as_text(c) for c in completions], reference)


            def main(mode):
                tokenizer = AutoTokenizer.from_pretrained(POLICY)
                if tokenizer.pad_token is None:
                    tokenizer.pad_token = tokenizer.eos_token
                if mode == "grpo":
                    data = load_dataset("json", data_files=os.path.join(HERE, "{{PromptsFile}}"), split="train")
                    args = GRPOConfig(output_dir=os.path.join(HERE, "checkpoints", "grpo"), per_device_train_batch_size=8,
                                      num_generations=4, max_completion_length=64, learning_rate=1e-6)
                    trainer = GRPOTrainer(model=POLICY, reward_funcs=pref_reward, args=args, train_dataset=data, processing_class=tokenizer)
                elif mode == "dpo":
                    data = load_dataset("json", data_files=os.path.join(HERE, "{{PairsFile}}"), split="train")
                    args = DPOConfig(output_dir=os.path.join(HERE, "checkpoints", "dpo"), per_device_train_batch_size=8, learning_rate=5e-7)
                    trainer = DPOTrainer(model=POLICY, args=args, train_dataset=data, processing_class=tokenizer)
                else:
                    raise SystemExit("usage: train_trl.py grpo|dpo")
                trainer.train()
                trainer.save_model()


            if __name__ == "__main__":
                main(sys.argv[1] if len(sys.argv) > 1 else "grpo")

            """, cancellationToken);
        return
        [
            "## TRL",
            "",
            $"- `{PromptsFile}`: {plan.Prompts.Count} rows `{{\"prompt\", \"reference\"}}` for GRPOTrainer; `reference` reaches the reward function as a keyword argument.",
            plan.Pairs is null ? "- No preference pairs in this run (DPO needs `data/pairs.jsonl`)." :
                $"- `{PairsFile}`: TRL preference pairs (`prompt`/`chosen`/`rejected`) for DPOTrainer or RewardTrainer.",
            $"- `{Script}`: `REWARD_URL=http://REWARD_HOST:5090 accelerate launch {Script} grpo` (GRPOTrainer, `reward_funcs` posts to `$REWARD_URL/v1/rewards`) or `accelerate launch {Script} dpo`.",
        ];
    }
}
