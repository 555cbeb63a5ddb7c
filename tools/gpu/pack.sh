#!/usr/bin/env bash
# Packs what a GPU machine needs into .gpu/ (ignored by git; well under the 60 MB the device lends for a run):
#   app.tar.xz                 pref + the benchmarks, self-contained linux-x64, managed TorchSharp only
#   torchsharp-native.tar.gz   TorchSharp's src/Native at the tag of the package we use, to build libLibTorchSharp.so there
#   pack.sh TORCHSHARP_REPO    (a clone of github.com/dotnet/TorchSharp, bare or not)
set -euo pipefail
root=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
torchsharp=${1:?usage: pack.sh TORCHSHARP_REPO}
tag=${TORCHSHARP_TAG:-$(grep -oP 'Include="TorchSharp" Version="\K[^"]+' "$root/Directory.Packages.props")}
dest="$root/.gpu"
mkdir -p "$dest"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

# Publish from a copy of the tree so the external-backend restore never touches this checkout's obj/ folders.
(cd "$root" && git ls-files -co --exclude-standard | tar -T - -cf -) | tar -xf - -C "$stage"
for project in src/Preference.Cli bench/Preference.Bench; do
  dotnet publish "$stage/$project" -c Release -r linux-x64 --self-contained -p:TorchBackend=external \
    -p:DebugType=none -o "$stage/app" --nologo -v quiet
done
XZ_OPT=-T0 tar -cJf "$dest/app.tar.xz" -C "$stage" app

# The native sources: the exact tag if the clone has it, else its HEAD after checking it is that version.
ref="v$tag"
if ! git -C "$torchsharp" rev-parse -q --verify "$ref^{commit}" >/dev/null; then
  ref=HEAD
  version=$(git -C "$torchsharp" show HEAD:build/BranchInfo.props | grep -oP '<(Major|Minor|Patch)Version>\K[0-9]+' | paste -sd.)
  [ "$version" = "$tag" ] || { echo "TorchSharp clone is at $version, not $tag: check out v$tag" >&2; exit 1; }
fi
git -C "$torchsharp" archive --format=tar "$ref" src/Native | tar -xf - -C "$stage"
tar -czf "$dest/torchsharp-native.tar.gz" -C "$stage/src" Native
echo "TorchSharp native sources from $ref ($tag)"
du -h "$dest"/*.tar.*
