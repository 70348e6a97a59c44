"""Trains the demo model family (Qwen2 architecture, ~0.86M parameters, tied embeddings) on CPU
with PyTorch + HF transformers, deterministically (fixed seeds, fixed thread count,
torch.use_deterministic_algorithms), and writes each model in HF layout to
public/demo/models/<name>/ (config.json, model.safetensors f32 without lm_head, tokenizer files,
generation_config.json, training.json).
  python scripts/demo/train.py base-and-experts   # base on the 4-domain mix, then one branch per domain
  python scripts/demo/train.py independent        # one model from another seed on a single domain
Settings: scripts/demo/settings.json ("model", "training").
"""
import json
import math
import os
import shutil
import sys
import time

import numpy as np
import torch
from safetensors.torch import save_file

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import DEMO, EOS, MODELS, S, TRAIN_DOMAINS, build_model, hf_config_dict, token_stream, tokenizer  # noqa: E402

T = S["training"]


def setup(seed):
    torch.set_num_threads(T["threads"])
    torch.manual_seed(seed)
    np.random.seed(seed)
    torch.use_deterministic_algorithms(True)


def batches(streams, steps, seed):
    """Deterministic random windows; each sequence picks a domain uniformly, then an offset."""
    g = np.random.default_rng(seed)
    L, B = T["seq_len"], T["batch_size"]
    for _ in range(steps):
        rows = []
        for _ in range(B):
            s = streams[g.integers(len(streams))]
            o = g.integers(0, len(s) - L)
            rows.append(s[o:o + L])
        yield torch.from_numpy(np.stack(rows))


def train(model, streams, phase, seed, log):
    steps, lr, warm = phase["steps"], phase["lr"], phase["warmup"]
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    other = [p for n, p in model.named_parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": T["weight_decay"]},
                             {"params": other, "weight_decay": 0.0}], lr=lr, betas=tuple(T["betas"]))
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / warm) * (
        0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(1.0, s / steps)))))
    model.train()
    t0, toks = time.time(), 0
    for step, x in enumerate(batches(streams, steps, seed)):
        loss = model(input_ids=x, labels=x).loss
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), T["grad_clip"])
        opt.step()
        sched.step()
        toks += x.numel()
        if step % 10 == 0 or step == steps - 1:
            log.append({"step": step, "loss": round(loss.item(), 4)})
            print(f"  step {step:4d} loss {loss.item():.3f} {toks / (time.time() - t0):.0f} tok/s", flush=True)
    model.eval()
    return time.time() - t0


def save(model, name, cfg, meta):
    d = os.path.join(MODELS, name)
    os.makedirs(d, exist_ok=True)
    sd = {k: v.detach().contiguous().clone() for k, v in model.state_dict().items() if k != "lm_head.weight"}
    save_file(sd, os.path.join(d, "model.safetensors"), metadata={"format": "pt"})
    os.chmod(os.path.join(d, "model.safetensors"), 0o644)
    json.dump(cfg, open(os.path.join(d, "config.json"), "w"), indent=2)
    eos = cfg["eos_token_id"]
    json.dump({"bos_token_id": eos, "eos_token_id": eos, "pad_token_id": eos, "do_sample": False,
               "max_new_tokens": 64}, open(os.path.join(d, "generation_config.json"), "w"), indent=2)
    shutil.copy(os.path.join(DEMO, "tokenizer.json"), os.path.join(d, "tokenizer.json"))
    json.dump({"tokenizer_class": "PreTrainedTokenizerFast", "bos_token": None, "eos_token": EOS,
               "pad_token": EOS, "unk_token": None, "model_max_length": cfg["max_position_embeddings"],
               "add_prefix_space": False, "clean_up_tokenization_spaces": False},
              open(os.path.join(d, "tokenizer_config.json"), "w"), indent=2)
    json.dump(meta, open(os.path.join(d, "training.json"), "w"), indent=1)
    n = sum(v.numel() for v in sd.values())
    print(f"saved {name}: {n} parameters", flush=True)


def main():
    what = sys.argv[1]
    tok = tokenizer()
    cfg = hf_config_dict(tok.get_vocab_size(), tok.token_to_id(EOS))
    streams = {d: token_stream(tok, d, "train") for d in TRAIN_DOMAINS}
    common = {k: T[k] for k in ("threads", "seq_len", "batch_size", "weight_decay", "betas", "grad_clip")}
    if what == "base-and-experts":
        P = T["base"]
        setup(P["seed"])
        model = build_model(cfg)
        log = []
        print(f"base: {sum(p.numel() for p in model.parameters())} parameters (tied)", flush=True)
        sec = train(model, [streams[d] for d in P["domains"]], P, P["seed"], log)
        base_meta = {"kind": "base", "phase": P, "common": common, "seconds": round(sec), "loss_log": log}
        save(model, "base", cfg, base_meta)
        base_state = {k: v.clone() for k, v in model.state_dict().items()}
        F = T["finetune"]
        for i, d in enumerate(TRAIN_DOMAINS):
            seed = F["seed"] * 100 + i
            setup(seed)
            model.load_state_dict(base_state)
            log = []
            print(f"{d}: fine-tune from base", flush=True)
            sec = train(model, [streams[d]], F, seed, log)
            save(model, d, cfg, {"kind": "branched", "from": "base", "domain": d, "phase": F, "seed": seed,
                                 "common": common, "seconds": round(sec), "loss_log": log})
    elif what == "independent":
        P = T["independent"]
        setup(P["seed"])
        model = build_model(cfg)
        log = []
        print(f"independent-{P['domain']}: from scratch, seed {P['seed']}", flush=True)
        sec = train(model, [streams[P["domain"]]], P, P["seed"], log)
        save(model, f"independent-{P['domain']}", cfg, {"kind": "independent", "domain": P["domain"], "phase": P,
                                                        "common": common, "seconds": round(sec), "loss_log": log})
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
