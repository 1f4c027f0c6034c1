#!/usr/bin/env bash
# The model engine on a GPU machine that has PyTorch (CUDA libtorch) but no dotnet.
#
#   scripts/gpu_model_bench.sh pack      on a dev machine: builds artifacts/model-bench-gpu.tar.xz
#                                        (self-contained ReSTEM.Bench without the CPU libtorch,
#                                        plus scripts/bench_hf.py)
#   ./run.sh [--quick]                   on the GPU machine, inside the unpacked model-bench/:
#                                        CPU-vs-CUDA check, our GPU rows, then the HF peer rows
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in
  pack)
    out=artifacts/model-bench
    rm -rf "$out" artifacts/model-bench-gpu.tar.xz
    dotnet publish src/ReSTEM.Bench -c Release -r linux-x64 --self-contained -p:RestemCuda=true -o "$out" >/dev/null
    # Native assets nothing here uses (plotting libraries of other rooms).
    rm -f "$out"/libSkiaSharp* "$out"/libHarfBuzzSharp* "$out"/libtorch_cpu.so
    cp scripts/bench_hf.py "$out/"
    cat > "$out/run.sh" <<'RUN'
#!/usr/bin/env bash
set -euo pipefail
cd "$(dirname "$0")"
lib="${RESTEM_LIBTORCH:-$(python3 -c 'import torch,os;print(os.path.join(os.path.dirname(torch.__file__),"lib"))')}"
export LD_LIBRARY_PATH="$lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
./ReSTEM.Bench model --check-cuda
./ReSTEM.Bench model --gpu-only "$@"
python3 bench_hf.py --static-cache "$@"
RUN
    chmod +x "$out/run.sh"
    tar -C artifacts -cJf artifacts/model-bench-gpu.tar.xz model-bench
    echo "artifacts/model-bench-gpu.tar.xz ($(du -h artifacts/model-bench-gpu.tar.xz | cut -f1)): unpack on the GPU machine and run model-bench/run.sh"
    ;;
  *)
    echo "usage: scripts/gpu_model_bench.sh pack" >&2
    exit 2
    ;;
esac
