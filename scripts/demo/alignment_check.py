"""Neuron alignment of each demo model's FFNs to an anchor model (settings "alignment"), the way
Symphony-MoE's Stage 1 computes it: run the same calibration tokens (equal share of each training
domain's validation split) through the anchor and model i (each its own forward pass), collect the
FFN hidden activation h = silu(gate_proj x) * up_proj x (the input of down_proj) per layer, z-score
every neuron over tokens, S = Z_anchor^T Z_i / T, and solve the linear assignment maximising the
sum of matched correlations (scipy.optimize.linear_sum_assignment). Reports per layer the fraction
of fixed points (sigma(j) == j) and the mean matched correlation before (identity) and after.
Writes public/demo/alignment.json.
Usage: python scripts/demo/alignment_check.py
"""
import json
import os
import sys

import numpy as np
import torch
from scipy.optimize import linear_sum_assignment

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import DEMO, MODELS, S, TRAIN_DOMAINS, load_model, token_stream, tokenizer  # noqa: E402

A = S["alignment"]


def calibration_tokens():
    tok = tokenizer()
    L, n = A["seq_len"], A["calib_tokens_per_domain"]
    rows = []
    for d in TRAIN_DOMAINS:
        s = token_stream(tok, d, "validation")[: n // L * L]
        rows.append(s.reshape(-1, L))
    return torch.from_numpy(np.concatenate(rows))


def ffn_hidden(model, x):
    """Per layer, [tokens, d_ff] inputs of down_proj (float64)."""
    acts = {i: [] for i in range(len(model.model.layers))}
    hooks = [layer.mlp.down_proj.register_forward_hook(
        lambda mod, inp, out, i=i: acts[i].append(inp[0].reshape(-1, inp[0].shape[-1]).double()))
        for i, layer in enumerate(model.model.layers)]
    for j in range(0, len(x), 8):
        model(input_ids=x[j:j + 8])
    for h in hooks:
        h.remove()
    return [torch.cat(acts[i]).numpy() for i in sorted(acts)]


def zscore(h):
    sd = h.std(0)
    return (h - h.mean(0)) / np.where(sd > 1e-12, sd, np.inf)


def align(ha, hi):
    za, zi = zscore(ha), zscore(hi)
    s = za.T @ zi / za.shape[0]
    rows, cols = linear_sum_assignment(s, maximize=True)
    sigma = cols[np.argsort(rows)]
    ident = np.arange(s.shape[0])
    return {"fixed_point_fraction": round(float((sigma == ident).mean()), 4),
            "mean_corr_identity": round(float(np.diag(s).mean()), 4),
            "mean_corr_matched": round(float(s[ident, sigma].mean()), 4)}


def main():
    torch.set_num_threads(S["training"]["threads"])
    x = calibration_tokens()
    anchor = A["anchor"]
    names = sorted(n for n in os.listdir(MODELS) if os.path.exists(os.path.join(MODELS, n, "model.safetensors")))
    ha = ffn_hidden(load_model(anchor), x)
    out = {"anchor": anchor, "calibration_tokens": int(x.numel()),
           "calibration_domains": TRAIN_DOMAINS, "models": {}}
    for name in names:
        if name == anchor:
            continue
        hi = ffn_hidden(load_model(name), x)
        layers = [align(a, b) for a, b in zip(ha, hi)]
        out["models"][name] = layers
        print(f"{name:24s} " + " | ".join(
            f"L{i}: fixed {l['fixed_point_fraction']:.2f} corr {l['mean_corr_identity']:.3f}->{l['mean_corr_matched']:.3f}"
            for i, l in enumerate(layers)), flush=True)
    json.dump(out, open(os.path.join(DEMO, "alignment.json"), "w"), indent=1)


if __name__ == "__main__":
    main()
