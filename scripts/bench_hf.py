#!/usr/bin/env python3
"""Peer figures for the model engine benchmark (`ReSTEM.Bench model`), on a GPU machine.

Runs Hugging Face transformers `generate` and a plain PyTorch training step on the shapes the
.NET benchmark uses: a randomly initialised Qwen2-0.5B-shaped model (hidden 896, 24 layers,
14 heads, 2 KV heads, intermediate 4864, vocab 151936) in bfloat16; decode at 1 / 256 / 1024
concurrent sequences with 128-token prompts, 256 new tokens, top-k 40, temperature 0.7, EOS
disabled so every sequence produces all its tokens; training on 8 x 1024 tokens with AdamW
over float32 master weights under bf16 autocast.

    python3 scripts/bench_hf.py                  # eager generate + training
    python3 scripts/bench_hf.py --static-cache   # also cache_implementation="static"
    python3 scripts/bench_hf.py --quick          # fewer tokens, for a smoke test

Prints one JSON object per measurement.
"""
import argparse
import json
import time

import torch
from transformers import Qwen2Config, Qwen2ForCausalLM


def qwen2_05b_config():
    return Qwen2Config(
        vocab_size=151936, hidden_size=896, intermediate_size=4864, num_hidden_layers=24,
        num_attention_heads=14, num_key_value_heads=2, max_position_embeddings=4096,
        rms_norm_eps=1e-6, rope_theta=1e6, tie_word_embeddings=True,
        bos_token_id=None, eos_token_id=None, pad_token_id=0,
    )


def decode(model, sequences, prompt, new_tokens, static_cache):
    gen = torch.Generator(device="cuda").manual_seed(sequences)
    ids = torch.randint(4, model.config.vocab_size, (sequences, prompt), device="cuda", generator=gen)
    mask = torch.ones_like(ids)
    kwargs = dict(do_sample=True, top_k=40, temperature=0.7, max_new_tokens=new_tokens,
                  min_new_tokens=new_tokens, pad_token_id=0, eos_token_id=None)
    if static_cache:
        kwargs["cache_implementation"] = "static"
    with torch.no_grad():
        model.generate(ids, attention_mask=mask, **{**kwargs, "max_new_tokens": 8, "min_new_tokens": 8})
        torch.cuda.synchronize()
        start = time.perf_counter()
        out = model.generate(ids, attention_mask=mask, **kwargs)
        torch.cuda.synchronize()
        seconds = time.perf_counter() - start
    produced = (out.shape[1] - prompt) * sequences
    return produced / seconds, seconds


def train(config, batch, length, steps):
    model = Qwen2ForCausalLM(config).to("cuda", dtype=torch.float32)
    model.train()
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=1e-4, betas=(0.9, 0.95), fused=True)
    ids = torch.randint(4, config.vocab_size, (batch, length + 1), device="cuda")

    def step():
        with torch.autocast("cuda", dtype=torch.bfloat16):
            logits = model(ids[:, :-1]).logits
        loss = torch.nn.functional.cross_entropy(logits.float().reshape(-1, logits.shape[-1]), ids[:, 1:].reshape(-1))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        opt.zero_grad(set_to_none=True)
        return loss

    for _ in range(2):
        step()
    torch.cuda.synchronize()
    start = time.perf_counter()
    for _ in range(steps):
        loss = step()
    torch.cuda.synchronize()
    seconds = time.perf_counter() - start
    return batch * length * steps / seconds, float(loss)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--static-cache", action="store_true")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    if not torch.cuda.is_available():
        raise SystemExit("bench_hf.py needs a CUDA GPU")
    torch.manual_seed(1)
    config = qwen2_05b_config()
    new_tokens = 64 if args.quick else 256
    env = {"torch": torch.__version__, "gpu": torch.cuda.get_device_name(0)}
    model = Qwen2ForCausalLM(config).to("cuda", dtype=torch.bfloat16).eval()
    for cache in ([False, True] if args.static_cache else [False]):
        for sequences in ([1, 256] if args.quick else [1, 256, 1024]):
            rate, seconds = decode(model, sequences, 128, new_tokens, cache)
            print(json.dumps({**env, "what": "hf-generate", "static_cache": cache, "sequences": sequences,
                              "new_tokens": new_tokens, "new_tokens_per_s": round(rate), "seconds": round(seconds, 2)}), flush=True)
    del model
    torch.cuda.empty_cache()
    rate, loss = train(config, 8, 1024, 3 if args.quick else 10)
    print(json.dumps({**env, "what": "torch-train-bf16-autocast", "batch": 8, "length": 1024,
                      "tokens_per_s": round(rate), "loss": round(loss, 3)}), flush=True)


if __name__ == "__main__":
    main()
