#!/usr/bin/env bash
# Any restem command from the unpacked bundle (made by scripts/gpu_bundle.sh pack), for a machine
# without dotnet:
#   ./run.sh run --config hocon/examples/gsm8k-qwen2.5-0.5b-instruct.conf --set restem.model.base=DIR ...
#   ./run.sh eval --checkpoint DIR --config F | ./run.sh grade ... | ./run.sh report DIR
# The bundle carries no libtorch: restem loads the one RESTEM_LIBTORCH names (a folder with
# libtorch_cuda.so or libtorch_cpu.so, or its lib/), else python3's PyTorch. Its device line says
# which libtorch and which GPU it found. If the CUDA libraries are not found, run it with
#   LD_LIBRARY_PATH=$(python3 -c 'import torch,os;print(os.path.dirname(torch.__file__))')/lib ./run.sh ...
# Code tasks (code, humaneval, mbpp, apps) verify in the sandbox, which needs bubblewrap on that
# machine; this script installs nothing, so without the restem-sb<i> users that the repository's
# run.sh creates, the sandbox slots run as 'nobody' (the service prints that at start).
# exec: signals reach the service itself.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")"
if [ $# -eq 0 ]; then
  set -- run --config hocon/default.conf
fi
exec ./restem/restem "$@"
