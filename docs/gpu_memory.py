#!/usr/bin/env python3
"""What fits on one GPU, computed from the shapes and from what the code keeps resident.

Computed, not measured: the README's "GPU memory" table is this script's output.

Sampling (E-step, evaluation): one copy of the weights in bfloat16 (Policy.LoadForInference),
shared by every sampler and the evaluator on the device, plus a bfloat16 KV cache per sequence:
    kv_bytes(seq) = 2 (K and V) * layers * kv_heads * head_dim * 2 B * tokens
    sequences     = floor((0.9 * capacity - 2 B * params) / kv_bytes(1,024 tokens))
The 10% headroom covers prefill activations, the per-step logits rows and allocator slack.

M-step (Trainer + AdamW as written): float32 master weights held in AdamW's flat buffer (4 B),
the autograd gradients (4 B) and their flat copy (4 B), AdamW's m and v (8 B): 20 B/param through
forward and backward, plus the bfloat16 casts of the weights that autograd keeps for backward
(2 B) = 22 B/param; at the optimizer step the bf16 casts are gone but the update's two float32
temporaries (sqrt(v), its scaled copy) live until the step ends: 28 B/param at the peak.
Activations of one 1,024-token sequence (no activation checkpointing; bf16 tensors, RMSNorm in
float32), per token and layer about 44*D + 12*kv_dim + 8*I bytes, plus the loss: float32 logits,
their log-softmax and the bf16 logits, 10 B per vocabulary entry per loss token:
    act_bytes(seq) = 1,024 * (layers * (44*D + 12*kv_dim + 8*I) + 10 * vocab)
    micro_batch    = floor((0.9 * capacity - 22 B * params) / act_bytes(seq)), when 28 B * params fits at all
"""

GIB = 1024 ** 3
MODELS = {
    # name: hidden, layers, heads, kv_heads, intermediate, vocab, tied embeddings (Qwen2 configs)
    "Qwen2-0.5B": (896, 24, 14, 2, 4864, 151936, True),
    "Qwen2-1.5B": (1536, 28, 12, 2, 8960, 151936, True),
    "Qwen2-7B": (3584, 28, 28, 4, 18944, 152064, False),
}
# What the driver offers (nvidia-smi totals less the CUDA context), GiB.
GPUS = {"80 GB (H100)": 79.0, "141 GB (H200)": 139.0}
TOKENS = 1024
HEADROOM = 0.9
SAMPLING_BYTES_PER_PARAM = 2
TRAINING_BYTES_PER_PARAM = 22
STEP_PEAK_BYTES_PER_PARAM = 28


def params(d, layers, heads, kv, inter, vocab, tied):
    head_dim = d // heads
    q, kvd = heads * head_dim, kv * head_dim
    per_layer = (d * q + q) + 2 * (d * kvd + kvd) + q * d + 3 * d * inter + 2 * d
    return vocab * d * (1 if tied else 2) + layers * per_layer + d


def main():
    print("| model | params | weights bf16 | KV / 1,024-token seq | GPU | sequences that fit | set max-concurrent-sequences | M-step state 22 / peak 28 B/param | activations / seq | M-step micro-batch |")
    print("|---|---|---|---|---|---:|---:|---|---|---:|")
    for name, shape in MODELS.items():
        d, layers, heads, kv, inter, vocab, tied = shape
        head_dim = d // heads
        n = params(*shape)
        weights = SAMPLING_BYTES_PER_PARAM * n
        kv_seq = 2 * layers * kv * head_dim * 2 * TOKENS
        state = TRAINING_BYTES_PER_PARAM * n
        peak = STEP_PEAK_BYTES_PER_PARAM * n
        act = TOKENS * (layers * (44 * d + 12 * kv * head_dim + 8 * inter) + 10 * vocab)
        for gpu, cap in GPUS.items():
            usable = HEADROOM * cap * GIB
            seqs = int((usable - weights) // kv_seq)
            setting = seqs // 256 * 256
            batch = int((usable - state) // act) if peak <= usable else 0
            fits = str(batch) if batch >= 1 else "does not fit"
            print(f"| {name} | {n / 1e9:.2f} B | {weights / GIB:.1f} GiB | {kv_seq / 2**20:.0f} MiB | {gpu} | {seqs:,} | {setting:,} | {state / GIB:.1f} / {peak / GIB:.1f} GiB | {act / GIB:.2f} GiB | {fits} |")


if __name__ == "__main__":
    main()
