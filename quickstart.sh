#!/usr/bin/env bash
# Installs what is needed, then runs the whole loop on the bundled stories260K policy (CPU): a rule judge ranks the
# policy's stories through the annotation server, a reward model learns from them, PPO optimises the policy against
# it, and the new policy is judged against the old one. Extra arguments go to `pref quickstart` (e.g. --human,
# --run-dir runs/mine, --set ppo.kl_coef=0.1). Running it again resumes the same run directory.
set -euo pipefail
cd "$(dirname "$0")"
./tools/install-deps.sh
# pref quickstart's own defaults are configs/quickstart.yaml and runs/quickstart; naming them here again made
# --config or --run-dir given to this script an error (an option given twice).
dotnet run --project src/Preference.Cli -c Release -- quickstart "$@"
