#!/usr/bin/env python3
"""PyTorch peer for bench/train.bench.mjs: trains the same tiny Qwen2-MoE (config JSON given as
argv[1]) on random token windows with AdamW, router-only and all-parameter scopes, and prints
JSON {"torch": version, "threads": n, "router": tokens/s, "all": tokens/s}. Tokens/s counts
input tokens of the optimiser steps (same definition as the TypeScript trainer's event)."""
import json
import sys
import time

import torch
from transformers import Qwen2MoeConfig, Qwen2MoeForCausalLM


def bench(cfg, scope, steps, windows, window):
    torch.manual_seed(0)
    model = Qwen2MoeForCausalLM(cfg)
    model.train()
    for name, p in model.named_parameters():
        p.requires_grad = scope == "all" or name.endswith("mlp.gate.weight")
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=1e-3)
    ids = torch.randint(0, cfg.vocab_size, (steps + 1, windows, window))
    def step(i):
        out = model(input_ids=ids[i], labels=ids[i], output_router_logits=True)
        out.loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        opt.zero_grad(set_to_none=True)
    step(steps)  # warm-up
    t0 = time.perf_counter()
    for i in range(steps):
        step(i)
    dt = time.perf_counter() - t0
    return steps * windows * window / dt


def main():
    c = json.loads(sys.argv[1])
    steps, windows, window = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    cfg = Qwen2MoeConfig(**c, attn_implementation="eager")
    cfg.router_aux_loss_coef = 0.01
    res = {"torch": torch.__version__, "threads": torch.get_num_threads()}
    for scope in ["router", "all"]:
        res[scope] = bench(cfg, scope, steps, windows, window)
    print(json.dumps(res))


if __name__ == "__main__":
    main()
