#!/usr/bin/env bash
# Builds TorchSharp's native bridge (libLibTorchSharp.so) against the libtorch inside this machine's PyTorch, so the
# managed TorchSharp in a `-p:TorchBackend=external` publish of pref runs on that PyTorch's CUDA build.
#   build-libtorchsharp.sh NATIVE_SRC OUT_DIR
# NATIVE_SRC: TorchSharp's src/Native at the tag of the TorchSharp package we reference (v0.107.0).
set -euo pipefail
src=$(realpath "${1:?usage: build-libtorchsharp.sh NATIVE_SRC OUT_DIR}")
out=$(realpath -m "${2:?usage: build-libtorchsharp.sh NATIVE_SRC OUT_DIR}")
python=${PYTHON:-python3}
torch_dir=$($python -c 'import os, torch; print(os.path.dirname(torch.__file__))')
abi=$($python -c 'import torch; print(int(torch._C._GLIBCXX_USE_CXX11_ABI))')
obj=$(mktemp -d)
shim=$(mktemp -d)
# TorchSharp 0.107 includes c10/util/Optional.h, a shim newer libtorch releases may have dropped.
if [ ! -f "$torch_dir/include/c10/util/Optional.h" ]; then
  mkdir -p "$shim/c10/util" && printf '#pragma once\n#include <optional>\n' > "$shim/c10/util/Optional.h"
fi
echo "libtorch: $torch_dir (torch $($python -c 'import torch; print(torch.__version__)'), cxx11 abi $abi)"
flags=(-O2 -fPIC -std=c++17 -fvisibility=hidden -w -D_GLIBCXX_USE_CXX11_ABI="$abi" -D__LINUX__ -D_NO_ASYNCRTIMP
       -D_NO_PPLXIMP -I"$src" -I"$src/LibTorchSharp" -I"$torch_dir/include"
       -I"$torch_dir/include/torch/csrc/api/include" -I"$shim")
export obj
printf '%s\n' "$src"/LibTorchSharp/*.cpp | xargs -P "$(nproc)" -I{} sh -c \
  'g++ "$@" -c "{}" -o "$obj/$(basename "{}").o" || { echo "FAILED: {}"; exit 255; }' _ "${flags[@]}"
gcc -O2 -fPIC -w -c "$src/LibTorchSharp/crc32c.c" -o "$obj/crc32c.o"
mkdir -p "$out"
# --no-as-needed keeps torch_cuda linked although no symbol of it is named: its static initialisers register CUDA.
g++ -shared -o "$out/libLibTorchSharp.so" "$obj"/*.o -L"$torch_dir/lib" \
  -Wl,--no-as-needed -ltorch_cuda -lc10_cuda -ltorch -ltorch_cpu -lc10 -Wl,--as-needed \
  -Wl,-rpath,"$torch_dir/lib" -Wl,-Bsymbolic -Wl,-Bsymbolic-functions
echo "built $out/libLibTorchSharp.so ($(du -h "$out/libLibTorchSharp.so" | cut -f1))"
