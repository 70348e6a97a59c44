#!/usr/bin/env python3
"""Golden values for router fine-tuning (src/core/train, src/model/train), from PyTorch / HF.

1. HF's load_balancing_loss_func on fixed gate logits (two layers).
2. For each tiny MoE fixture of src/model/fixtures (qwen2_moe, qwen2_moe_norm, mixtral): the
   training loss of a batch of two sequences with labels = inputs and output_router_logits, i.e.
   mean next-token NLL + router_aux_loss_coef * load balancing (coef 0.01), and its gradient
   with respect to every parameter (in the per-expert on-disk layout): the router gradients in
   full, for every other tensor its squared norm and first values.
3. torch.optim.AdamW (bias correction, decoupled weight decay) over three steps, and
   torch.nn.utils.clip_grad_norm_ on two tensors.

Run from the repository root with a Python that has torch and transformers:
    python scripts/goldens/make_train_goldens.py
The test suite only reads the committed JSON; it never runs Python.
"""
import json
import os
import sys

import torch
from transformers import AutoModelForCausalLM
from transformers.models.qwen2_moe.modeling_qwen2_moe import load_balancing_loss_func

sys.path.insert(0, os.path.dirname(__file__))
from make_engine_goldens import hf_state_dict, round7  # noqa: E402

FIXTURES = "src/model/fixtures"
OUT = "src/model/train/fixtures/train_goldens.json"
BATCH = [
    [1, 17, 42, 99, 5, 5, 77, 3, 64, 12, 127, 0],
    [100, 2, 33, 33, 33, 8, 90, 14, 71, 6, 55, 21],
]
COEF = 0.01


def vals(t):
    return [round7(x) for x in t.reshape(-1).tolist()]


def balance():
    g = torch.Generator().manual_seed(0)
    logits = [torch.randn(7, 4, generator=g) * 1.5 for _ in range(2)]
    loss = load_balancing_loss_func(tuple(logits), 4, 2)
    return {"logits": [vals(l) for l in logits], "tokens": 7, "experts": 4, "topK": 2, "loss": float(loss)}


def model_case(name):
    model = AutoModelForCausalLM.from_pretrained(os.path.join(FIXTURES, name), torch_dtype=torch.float32, attn_implementation="eager")
    model.config.router_aux_loss_coef = COEF
    model.router_aux_loss_coef = COEF
    model.train()
    ids = torch.tensor(BATCH)
    out = model(input_ids=ids, labels=ids, output_router_logits=True)
    out.loss.backward()
    grads = {k: (p.grad if p.grad is not None else torch.zeros_like(p)) for k, p in model.named_parameters()}
    # Tied embeddings: the LM head's gradient is already summed into embed_tokens.weight.grad.
    disk = hf_state_dict(_Grads(grads), model.config)
    entries = {}
    for k, g in disk.items():
        if k.endswith("gate.weight") and "shared" not in k:
            entries[k] = {"full": vals(g)}
        else:
            entries[k] = {"sumsq": float((g.double() ** 2).sum()), "head": vals(g.reshape(-1)[:6])}
    return {
        "loss": out.loss.item(),
        "auxLoss": out.aux_loss.item(),
        "lmLoss": out.loss.item() - COEF * out.aux_loss.item(),
        "grads": entries,
    }


class _Grads:
    """Quacks like a module for hf_state_dict: state_dict() returns the gradients."""

    def __init__(self, grads):
        self.grads = grads

    def state_dict(self):
        return dict(self.grads)


def optim_case():
    p = torch.tensor([0.5, -1.0, 2.0, 0.0, 3.0], requires_grad=True)
    opt = torch.optim.AdamW([p], lr=0.05, betas=(0.9, 0.95), eps=1e-6, weight_decay=0.1)
    grads = [[0.1, -0.2, 0.3, 0.0, 1.0], [0.5, 0.5, -0.5, 0.2, -1.0], [-0.3, 0.0, 0.1, 0.4, 2.0]]
    after = []
    for g in grads:
        p.grad = torch.tensor(g)
        opt.step()
        after.append(vals(p.detach()))
    a = torch.tensor([3.0, 4.0])
    b = torch.tensor([[1.0, 2.0], [2.0, 0.0]])
    ta, tb = a.clone(), b.clone()
    ga = torch.nn.Parameter(torch.zeros(2))
    gb = torch.nn.Parameter(torch.zeros(2, 2))
    ga.grad, gb.grad = ta, tb
    norm = torch.nn.utils.clip_grad_norm_([ga, gb], 1.0)
    return {
        "adamw": {"init": [0.5, -1.0, 2.0, 0.0, 3.0], "lr": 0.05, "betas": [0.9, 0.95], "eps": 1e-6, "weightDecay": 0.1, "grads": grads, "after": after},
        "clip": {"grads": [vals(a), vals(b)], "maxNorm": 1.0, "norm": float(norm), "clipped": [vals(ga.grad), vals(gb.grad)]},
    }


def main():
    torch.manual_seed(0)
    out = {
        "batch": BATCH,
        "coef": COEF,
        "balance": balance(),
        "models": {n: model_case(n) for n in ["qwen2_moe", "qwen2_moe_norm", "mixtral"]},
        "optim": optim_case(),
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(out, f)
    print("wrote", OUT)


if __name__ == "__main__":
    main()
