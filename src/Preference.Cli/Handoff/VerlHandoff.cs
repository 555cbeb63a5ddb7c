namespace Preference.Cli.Handoff;

/// <summary>
/// verl: prompts as its Parquet prompt rows, a batched custom reward function calling our server's /v1/rewards,
/// and `python3 -m verl.trainer.main_ppo` with Hydra overrides as in verl's examples (GRPO, vLLM rollouts).
/// </summary>
public sealed class VerlHandoff : IEngineHandoff
{
    public const string Script = "train_verl.sh";
    public const string TrainFile = "data/train.parquet";
    public const string RewardFunction = "reward_fn.py";

    public string Engine => "verl";

    public async Task<IReadOnlyList<string>> WriteAsync(HandoffPlan plan, CancellationToken cancellationToken)
    {
        await EngineExport.WriteVerlAsync(plan.Prompts, plan.PathOf(TrainFile), new VerlOptions(DataSource: "preference"), cancellationToken);
        await File.WriteAllTextAsync(plan.PathOf(RewardFunction), $$"""
            # verl custom reward function: rewards from `pref serve-reward` (README.md).
            # Batched: with reward_model.reward_manager=batch verl calls compute_score once per batch of responses.
            # compute_score_single is the same for verl's default per-response manager (custom_reward_function.name=compute_score_single).
            {{RewardClientPython.Preamble}}

            def compute_score(data_sources, solution_strs, ground_truths, extra_infos, **kwargs):
                prompts = [(info or {}).get("prompt_text", "") for info in extra_infos]
                return pref_rewards(prompts, solution_strs, ground_truths)


            def compute_score_single(data_source, solution_str, ground_truth, extra_info=None, **kwargs):
                return compute_score([data_source], [solution_str], [ground_truth], [extra_info])[0]

            """, cancellationToken);
        await HandoffFiles.WriteScriptAsync(plan.PathOf(Script), $$"""
            #!/usr/bin/env bash
            # verl GRPO training of ./policy, rewarded by `pref serve-reward` (see README.md). Run on the training node
            # (or the Ray head of a multi-node verl cluster):
            #   REWARD_URL=http://REWARD_HOST:5090 GPUS_PER_NODE=8 NNODES=1 ./{{Script}}
            set -euo pipefail
            HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
            export REWARD_URL="${REWARD_URL:-{{HandoffPlan.DefaultRewardUrl}}}"

            python3 -m verl.trainer.main_ppo \
              algorithm.adv_estimator=grpo \
              data.train_files="$HERE/{{TrainFile}}" \
              data.val_files="$HERE/{{TrainFile}}" \
              data.train_batch_size=32 \
              data.max_prompt_length=256 \
              data.max_response_length=256 \
              actor_rollout_ref.model.path="$HERE/{{HandoffPlan.PolicyDirectory}}" \
              actor_rollout_ref.actor.optim.lr=1e-6 \
              actor_rollout_ref.actor.ppo_mini_batch_size=16 \
              actor_rollout_ref.actor.ppo_micro_batch_size_per_gpu=4 \
              actor_rollout_ref.actor.use_kl_loss=True \
              actor_rollout_ref.actor.kl_loss_coef=0.001 \
              actor_rollout_ref.rollout.name=vllm \
              actor_rollout_ref.rollout.n=4 \
              actor_rollout_ref.rollout.log_prob_micro_batch_size_per_gpu=4 \
              actor_rollout_ref.ref.log_prob_micro_batch_size_per_gpu=4 \
              reward_model.reward_manager=batch \
              custom_reward_function.path="$HERE/{{RewardFunction}}" \
              custom_reward_function.name=compute_score \
              trainer.n_gpus_per_node="${GPUS_PER_NODE:-8}" \
              trainer.nnodes="${NNODES:-1}" \
              trainer.total_epochs=1 \
              trainer.logger='["console"]' \
              "$@"
            """);
        return
        [
            "## verl",
            "",
            $"- `{TrainFile}`: {plan.Prompts.Count} prompt rows in verl's columns: `data_source` (\"preference\"), `prompt` (chat messages), `ability`, `reward_model` {{style: \"model\", ground_truth: the reference or null}}, `extra_info` {{split, index, prompt_text}}.",
            $"- `{RewardFunction}`: `compute_score(data_sources, solution_strs, ground_truths, extra_infos)` posts each batch to `$REWARD_URL/v1/rewards` (verl passes the response alone; the prompt comes from `extra_info.prompt_text`).",
            $"- `{Script}`: `REWARD_URL=http://REWARD_HOST:5090 GPUS_PER_NODE=8 ./{Script}` runs `verl.trainer.main_ppo` (GRPO, vLLM rollouts, `reward_model.reward_manager=batch`); Hydra overrides after the script name are passed on.",
        ];
    }
}
