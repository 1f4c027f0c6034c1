#!/usr/bin/env bash
# The GPU check, in one command, from the unpacked bundle (scripts/gpu_bundle.sh pack):
#   ./gpu-check.sh                 on the GPU machine (a few minutes; every step has its own limit,
#                                  all limits together under 9 minutes)
#   ./gpu-check.sh --cpu-smoke     the same steps, tiny, on a CPU (RESTEM_LIBTORCH = a CPU libtorch folder)
# Writes everything to ${OUT:-./out}/gpu-check/: one log per step and summary.md (what ran, exit
# codes, times, the device line and the figures). Steps:
#   0 environment (nvidia-smi, python3's torch, the libtorch the bundle finds)
#   1 ReSTEM.Bench model --check-cuda: CPU and CUDA agree (float32, bfloat16), bf16 training learns.
#     If CUDA does not load (or the process dies), it is tried once more with LD_LIBRARY_PATH = PyTorch's lib folder and
#     its CUDA libraries; when that works, the later steps keep it (summary.md says so).
#   2 ReSTEM.Bench model --gpu-only: Qwen2-0.5B shape, bf16, prompt 128, 256 new tokens, top-k 40,
#     T 0.7 at 1 / 256 / 1024 sequences; training 8 x 1024 tokens with AdamW
#   3 ReSTEM.Bench decode-parts --gpu-only: top-k and stop-string scan, Qwen3 tokenizer
#   4 ReSTEM.Bench random-model (0.5B shape, random weights, Qwen3 tokenizer), then restem run:
#     one GSM8K iteration (gpu-check.conf) on the bundle's 40 / 16 problems, with its phase times
#   5 python3 bench_hf.py: Hugging Face transformers' peer rows on the same shapes
set -uo pipefail
cd "$(dirname "$(readlink -f "$0")")"
bundle=$(pwd)
mode=gpu
case "${1:-}" in
  "") ;;
  --cpu-smoke) mode=cpu ;;
  *) echo "usage: ./gpu-check.sh [--cpu-smoke]" >&2; exit 2 ;;
esac
out="${OUT:-./out}/gpu-check"
rm -rf "$out"
mkdir -p "$out"
out=$(cd "$out" && pwd)
# Model weights and checkpoints (gigabytes at the 0.5B shape) stay out of $out.
work=$(mktemp -d "${TMPDIR:-/tmp}/restem-gpu-check.XXXXXX")
trap 'rm -rf "$work"' EXIT
bench=./bench/ReSTEM.Bench
restem=./restem/restem
rows=()
notes=()
began=$(date +%s)

# step NAME LIMIT LOG COMMAND...: runs COMMAND under `timeout LIMIT`, output to $out/LOG.
step() {
  local name=$1 limit=$2 log=$3 rc t0 t1
  shift 3
  echo "== $name: $* (limit ${limit} s)" | tee -a "$out/$log"
  t0=$(date +%s.%N)
  timeout --kill-after=10 "$limit" "$@" >>"$out/$log" 2>&1
  rc=$?
  t1=$(date +%s.%N)
  local secs
  secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b-a}')
  [ $rc -ne 124 ] && [ $rc -ne 137 ] || echo "== $name: stopped at its ${limit} s limit" | tee -a "$out/$log"
  echo "== $name: exit $rc after $secs s"
  rows+=("| $name | $rc | $secs | $log |")
  return $rc
}

torch_lib=$(python3 -c 'import importlib.util as u,os;s=u.find_spec("torch");print(os.path.join(s.submodule_search_locations[0],"lib") if s else "")' 2>/dev/null || true)

# 0: the machine.
{
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); host: $(hostname); mode: $mode; $(nproc) CPUs"
  echo "RESTEM_LIBTORCH=${RESTEM_LIBTORCH:-(not set)}; python3 torch lib: ${torch_lib:-(none)}; LD_LIBRARY_PATH=${LD_LIBRARY_PATH:-(not set)}"
  timeout 10 nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>&1 || echo "nvidia-smi: not available"
  timeout 20 python3 -c 'import torch;print("python3 torch", torch.__version__, "cuda", torch.version.cuda, "available", torch.cuda.is_available())' 2>/dev/null || echo "python3 torch: not importable"
} >"$out/0-environment.txt"
cat "$out/0-environment.txt"

# 1: CPU vs CUDA.
if [ "$mode" = gpu ]; then
  if ! step "1 check-cuda" 40 1-check-cuda.txt "$bench" model --check-cuda \
     && ! grep -q "check-cuda: FAILED" "$out/1-check-cuda.txt" && [ -n "$torch_lib" ]; then
    extra=$(find "$torch_lib/../../nvidia" -type d -name lib 2>/dev/null | tr '\n' ':')
    export LD_LIBRARY_PATH="$torch_lib:${extra}${LD_LIBRARY_PATH:-}"
    if step "1 check-cuda, again with LD_LIBRARY_PATH" 40 1-check-cuda-ld-library-path.txt "$bench" model --check-cuda; then
      notes+=("CUDA loaded only with LD_LIBRARY_PATH=$LD_LIBRARY_PATH; the later steps used it")
    else
      notes+=("CUDA did not load, with or without LD_LIBRARY_PATH: see 1-check-cuda*.txt")
    fi
  fi
else
  # No CUDA on the smoke: the check must say so and exit 1, not crash.
  step "1 check-cuda (expects: no usable CUDA)" 40 1-check-cuda.txt "$bench" model --check-cuda
  grep -q "no usable CUDA" "$out/1-check-cuda.txt" && notes+=("cpu-smoke: check-cuda reported no usable CUDA, as expected without a GPU")
fi

# 2: model throughput at the issue's shapes (the CPU smoke: the built-in model, quick).
if [ "$mode" = gpu ]; then
  step "2 model benchmark" 120 2-model.txt "$bench" model --gpu-only
else
  step "2 model benchmark (CPU, quick)" 120 2-model.txt "$bench" model --cpu-only --quick
fi

# 3: the parts of a decode step.
if [ "$mode" = gpu ]; then
  step "3 decode-parts" 30 3-decode-parts.txt "$bench" decode-parts --gpu-only --tokenizer tokenizer
else
  step "3 decode-parts (CPU)" 60 3-decode-parts.txt "$bench" decode-parts --cpu-only --repeats 2 --tokenizer tokenizer
fi

# 4: a whole run with a random 0.5B-shaped model (tiny on the CPU smoke).
run_dir="$work/run"
if [ "$mode" = gpu ]; then
  shape=qwen2-0.5b
  # cuda, not auto: without CUDA the run stops at once (exit 2) instead of crawling on the CPU.
  overrides=(--set restem.model.device=cuda)
else
  shape=tiny
  overrides=(--set restem.model.device=cpu --set restem.model.dtype=float32 --set restem.sampling.max-new-tokens=16
             --set restem.sampling.samples-per-problem=2 --set restem.evaluation.samples-per-problem=2 --set "restem.evaluation.k=[1,2]"
             --set restem.training.max-sequence-length=384)
fi
if step "4a random-model $shape" 50 4-run.txt "$bench" random-model --shape "$shape" --tokenizer tokenizer --out "$work/model"; then
  step "4b restem run (GSM8K, 1 iteration)" 130 4-run.txt "$restem" run --config gpu-check.conf --set "restem.model.base=$work/model" "${overrides[@]}" --run-dir "$run_dir"
fi
for f in run.json restem.log report.md; do [ -f "$run_dir/$f" ] && cp "$run_dir/$f" "$out/4-run-$f"; done

# 5: Hugging Face peer rows (CUDA only).
if [ "$mode" = gpu ]; then
  step "5 bench_hf.py" 130 5-bench-hf.txt python3 bench_hf.py
else
  notes+=("cpu-smoke: step 5 (bench_hf.py) skipped: it needs a CUDA GPU")
fi

# summary.md
phase_times() {
  [ -f "$out/4-run-restem.log" ] || { echo "(no run log)"; return; }
  python3 - "$out/4-run-restem.log" <<'PY' 2>/dev/null || echo "(phase times need python3)"
import re, sys
from datetime import datetime
line = re.compile(r"^(\S+) \w+ restem\.run \[([^\]]+)\]:")
first, order, last = {}, [], None
for text in open(sys.argv[1], encoding="utf-8"):
    m = line.match(text)
    if not m:
        continue
    at = datetime.fromisoformat(m.group(1).replace("Z", "+00:00"))
    tag = m.group(2)
    if tag not in first:
        first[tag] = at
        order.append(tag)
    last = at
print("| phase | seconds |")
print("|---|---|")
for i, tag in enumerate(order):
    end = first[order[i + 1]] if i + 1 < len(order) else last
    print(f"| {tag} | {(end - first[tag]).total_seconds():.1f} |")
PY
}
{
  echo "# GPU check ($mode), $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo '```'
  cat "$out/0-environment.txt"
  echo '```'
  echo
  echo "| step | exit | seconds | log |"
  echo "|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
  echo
  echo "total: $(( $(date +%s) - began )) s"
  for n in "${notes[@]}"; do echo "- $n"; done
  echo
  echo "## Device lines"
  echo '```'
  grep -h -E "libtorch .* at /" "$out"/1-check-cuda*.txt "$out/2-model.txt" "$out/4-run.txt" 2>/dev/null | sort -u | head -8
  echo '```'
  echo
  echo "## Figures"
  echo '```'
  grep -h -E "^check-cuda|^CPU:|^CUDA:|  decode|  train|rows: full topk|tokens: whole text|^random .* model|\] sampling: .*tokens/s" "$out"/1-check-cuda*.txt "$out/2-model.txt" "$out/3-decode-parts.txt" "$out/4-run.txt" 2>/dev/null
  [ -f "$out/5-bench-hf.txt" ] && grep -h '^{' "$out/5-bench-hf.txt"
  echo '```'
  echo
  echo "## GSM8K run: phase times (from its restem.log)"
  echo
  phase_times
  echo
  echo '```'
  sed -n -E '/^iteration +D_i/,/^done:/p' "$out/4-run.txt"
  echo '```'
} >"$out/summary.md"
echo "summary: $out/summary.md"
cd "$bundle"
