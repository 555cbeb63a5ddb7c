using Preference.Core.Datasets;

namespace Preference.Cli.Handoff;

/// <summary>
/// OpenRLHF: prompts as its prompt dataset (input/label), pairs as its reward/DPO data, and a `ray job submit` of
/// openrlhf.cli.train_ppo_ray whose rewards come from our server's /get_reward (<c>--reward.remote_url</c>).
/// Flags as in OpenRLHF's train_ppo_ray.py and examples/scripts (hierarchical names, 2026).
/// </summary>
public sealed class OpenRlhfHandoff : IEngineHandoff
{
    public const string Script = "train_openrlhf.sh";
    public const string PromptsFile = "data/prompts.jsonl";
    public const string PairsFile = "data/pairs.jsonl";

    public string Engine => "openrlhf";

    public async Task<IReadOnlyList<string>> WriteAsync(HandoffPlan plan, CancellationToken cancellationToken)
    {
        await EngineExport.WriteOpenRlhfPromptsAsync(plan.Prompts, plan.PathOf(PromptsFile), conversational: false, cancellationToken);
        if (plan.Pairs is { } pairs)
            await EngineExport.WritePairsAsync(EngineFormat.OpenRlhf, EngineExport.ReadPairsAsync(pairs, cancellationToken), plan.PathOf(PairsFile),
                TrlExportStyle.Standard, margin: true, cancellationToken);
        await HandoffFiles.WriteScriptAsync(plan.PathOf(Script), $$"""
            #!/usr/bin/env bash
            # OpenRLHF PPO-family training of ./policy, rewarded by `pref serve-reward` (see README.md).
            # Run on the Ray head node, from anywhere: the job's working_dir is this directory.
            #   REWARD_URL=http://REWARD_HOST:5090 GPUS_PER_NODE=8 ./{{Script}}
            set -euo pipefail
            HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
            REWARD_URL="${REWARD_URL:-{{HandoffPlan.DefaultRewardUrl}}}"
            GPUS_PER_NODE="${GPUS_PER_NODE:-8}"

            ray job submit --address="${RAY_ADDRESS:-http://127.0.0.1:8265}" \
              --runtime-env-json="{\"working_dir\": \"$HERE\"}" \
              -- python3 -m openrlhf.cli.train_ppo_ray \
              --ref.num_nodes 1 \
              --ref.num_gpus_per_node "$GPUS_PER_NODE" \
              --actor.num_nodes 1 \
              --actor.num_gpus_per_node "$GPUS_PER_NODE" \
              --vllm.num_engines "$GPUS_PER_NODE" \
              --vllm.tensor_parallel_size 1 \
              --train.colocate_all \
              --actor.model_name_or_path {{HandoffPlan.PolicyDirectory}} \
              --reward.remote_url "$REWARD_URL/get_reward" \
              --data.prompt_dataset {{PromptsFile}} \
              --data.input_key input \
              --data.label_key label \
              --algo.advantage.estimator reinforce_baseline \
              --rollout.n_samples_per_prompt 4 \
              --rollout.batch_size 128 \
              --train.batch_size 64 \
              --train.max_epochs 1 \
              --data.max_len 512 \
              --actor.adam.lr 5e-7 \
              --algo.kl.init_coef 0.01 \
              --ckpt.output_dir checkpoints/final \
              --ckpt.path checkpoints/ppo \
              --ckpt.save_hf \
              "$@"
            """);
        return
        [
            "## OpenRLHF",
            "",
            $"- `{PromptsFile}`: {plan.Prompts.Count} prompts, `input` (the prompt) and `label` (its reference, or empty): `--data.input_key input --data.label_key label`.",
            plan.Pairs is null ? "- No preference pairs in this run." :
                $"- `{PairsFile}`: preference pairs with `prompt`/`chosen`/`rejected` and `margin` (2 x agreement - 1), for `openrlhf.cli.train_rm` or `train_dpo` (`--data.prompt_key prompt --data.chosen_key chosen --data.rejected_key rejected`).",
            $"- `{Script}`: on the Ray head node, `REWARD_URL=http://REWARD_HOST:5090 GPUS_PER_NODE=8 ./{Script}` submits `openrlhf.cli.train_ppo_ray` (REINFORCE++-baseline, no critic) with `--reward.remote_url $REWARD_URL/get_reward`; extra flags after the script name are passed on (e.g. `--vllm.tensor_parallel_size 2`).",
        ];
    }
}
