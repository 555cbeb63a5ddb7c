#!/usr/bin/env bash
# Run on the GPU machine from the repository root, after tools/gpu/pack.sh filled .gpu/ (see tools/gpu/README.md).
# Builds libLibTorchSharp.so against the machine's PyTorch, then on the same card: transformers vs our code on one
# random-weight LLaMA (logits, decode tokens/s, training step), and short PPO stages with `pref ppo --device cuda`.
# Logs go to $OUT (or ./gpu-results).
set -uo pipefail
out=${OUT:-$PWD/gpu-results}
work=${WORK:-/tmp/pref-gpu}
mkdir -p "$out" "$work"
step() { echo; echo "=== $1"; }

step "machine"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
python3 -c 'import torch, transformers; print("torch", torch.__version__, "cuda", torch.version.cuda, "transformers", transformers.__version__)'
nproc

step "unpack"
tar -xJf .gpu/app.tar.xz -C "$work" && tar -xzf .gpu/torchsharp-native.tar.gz -C "$work" || exit 1

step "build libLibTorchSharp.so"
if [ -f .gpu/libLibTorchSharp.so ]; then
  cp .gpu/libLibTorchSharp.so "$work/app/" && echo "reusing .gpu/libLibTorchSharp.so"
else
  SECONDS=0
  tools/gpu/build-libtorchsharp.sh "$work/Native" "$work/app" > "$out/build.log" 2>&1 || { tail -40 "$out/build.log"; exit 1; }
  tail -2 "$out/build.log"; echo "build took ${SECONDS}s"
  cp "$work/app/libLibTorchSharp.so" "$out/"
fi
torch_lib=$(python3 -c 'import os, torch; print(os.path.join(os.path.dirname(torch.__file__), "lib"))')
export LD_LIBRARY_PATH="$torch_lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
pref="$work/app/pref"
bench="$work/app/Preference.Bench"

step "pref generate --device cuda (stories260K)"
timeout 120 "$pref" generate --prompt "Once upon a time" --max-new-tokens 48 --seed 1 --device cuda || exit 1

step "transformers reference"
PYTHONUNBUFFERED=1 timeout 300 python3 tools/gpu/hf_reference.py --out "$work/ref" --tokenizer models/stories260K/tok512.bin \
  2>&1 | grep -v Warning | tee "$out/transformers.txt"

step "ours: bench model-compare --device cuda"
timeout 300 "$bench" model-compare --model "$work/ref/model" --device cuda --ids "$work/ref/ids.json" \
  --logits-out "$work/ref/pref_logits.f32" 2>&1 | tee "$out/pref.txt"

step "logits: transformers vs ours (fp32)"
python3 tools/gpu/compare_logits.py "$work/ref/ids.json" "$work/ref/hf_logits.f32" "$work/ref/pref_logits.f32" 1e-3 \
  | tee "$out/logits.txt"

step "pref ppo --device cuda (stories260K, 10 steps of 64 rollouts x 64 tokens)"
SECONDS=0
timeout 300 "$pref" ppo --config configs/ppo-stories.yaml --device cuda --output "$work/ppo-stories" \
  --set ppo.total_episodes=640 --set ppo.save_steps=100 2>&1 | tail -5
echo "wall ${SECONDS}s"; cp "$work/ppo-stories/metrics.jsonl" "$out/ppo-stories-metrics.jsonl" 2>/dev/null

step "pref ppo --device cuda (the random 190M LLaMA as policy, 4 steps of 64 rollouts x 64 tokens)"
SECONDS=0
timeout 300 "$pref" ppo --config configs/ppo-stories.yaml --device cuda --output "$work/ppo-190m" \
  --set ppo.policy="$work/ref/model" --set ppo.total_episodes=256 --set ppo.save_steps=100 \
  --set ppo.optimizer.learning_rate=1e-6 2>&1 | tail -5
echo "wall ${SECONDS}s"; cp "$work/ppo-190m/metrics.jsonl" "$out/ppo-190m-metrics.jsonl" 2>/dev/null
true
