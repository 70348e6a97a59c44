#!/usr/bin/env python3
"""Golden fixtures for the transformer engine (src/model).

Builds tiny random checkpoints with HF transformers (CPU torch, float32, eager attention), writes
them in the Hugging Face layout that real checkpoints use (config.json + model.safetensors with
per-expert tensor names, FORMATS.md), reloads each folder with from_pretrained to prove that
stock transformers reads it back unchanged, and records the logits (and, for MoE models, the
top-k routing decisions) on fixed token ids in goldens.json.

Run from the repository root with a Python that has torch, transformers and safetensors:
    python scripts/goldens/make_engine_goldens.py [--out src/model/fixtures]
The test suite only reads the committed output; it never runs Python.
"""
import argparse
import json
import os
import shutil

import numpy as np
import torch
import transformers
from safetensors.torch import save_file
from transformers import (
    AutoModelForCausalLM,
    LlamaConfig,
    MistralConfig,
    MixtralConfig,
    Qwen2Config,
    Qwen2MoeConfig,
)

VOCAB = 128
# Fixed token sequences (ids < VOCAB); lengths differ so that no test depends on one length.
SEQUENCES = [
    [1, 17, 42, 99, 5, 5, 77, 3, 64, 12, 127, 0],
    [100, 2, 33, 33, 33, 8, 90, 14, 71, 6, 55, 21, 120, 9],
    [7, 64, 3, 81, 19, 42, 110],
]

COMMON = dict(
    vocab_size=VOCAB,
    hidden_size=32,
    num_hidden_layers=2,
    num_attention_heads=4,
    num_key_value_heads=2,
    max_position_embeddings=256,
    rms_norm_eps=1e-6,
    hidden_act="silu",
    initializer_range=0.15,
    attn_implementation="eager",
    torch_dtype="float32",
    bos_token_id=1,
    eos_token_id=2,
)


def configs():
    return {
        # Qwen2: q/k/v biases, tied embeddings, head_dim = hidden / heads = 8.
        "qwen2": Qwen2Config(**COMMON, intermediate_size=64, tie_word_embeddings=True, rope_theta=10000.0),
        # Llama 3.1-style rope scaling with a small original context so that the high, medium
        # (smoothed) and low frequency bands all occur at head_dim 16; untied lm_head; head_dim
        # decoupled from hidden / heads.
        "llama": LlamaConfig(
            **COMMON,
            intermediate_size=64,
            head_dim=16,
            tie_word_embeddings=False,
            rope_theta=10000.0,
            rope_scaling={
                "rope_type": "llama3",
                "factor": 8.0,
                "low_freq_factor": 1.0,
                "high_freq_factor": 4.0,
                "original_max_position_embeddings": 64,
            },
        ),
        # Mistral with a sliding window shorter than the sequences, so the window is exercised.
        "mistral": MistralConfig(
            **COMMON, intermediate_size=64, tie_word_embeddings=False, rope_theta=1000000.0, sliding_window=5
        ),
        "qwen2_moe": Qwen2MoeConfig(
            **COMMON,
            intermediate_size=64,
            moe_intermediate_size=32,
            shared_expert_intermediate_size=48,
            num_experts=4,
            num_experts_per_tok=2,
            norm_topk_prob=False,
            decoder_sparse_step=1,
            mlp_only_layers=[],
            tie_word_embeddings=True,
            rope_theta=10000.0,
        ),
        "qwen2_moe_norm": Qwen2MoeConfig(
            **COMMON,
            intermediate_size=64,
            moe_intermediate_size=32,
            shared_expert_intermediate_size=48,
            num_experts=4,
            num_experts_per_tok=2,
            norm_topk_prob=True,
            decoder_sparse_step=1,
            mlp_only_layers=[],
            tie_word_embeddings=False,
            rope_theta=10000.0,
        ),
        "mixtral": MixtralConfig(
            **COMMON,
            intermediate_size=32,
            num_local_experts=4,
            num_experts_per_tok=2,
            tie_word_embeddings=False,
            rope_theta=1000000.0,
            sliding_window=None,
        ),
    }


def randomise(model, seed):
    """Re-draw every parameter so that biases and norm weights are not trivially 0 / 1."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("norm.weight") or "layernorm" in name:
                p.copy_(1.0 + 0.2 * torch.randn(p.shape, generator=g))
            elif name.endswith(".bias"):
                p.copy_(0.2 * torch.randn(p.shape, generator=g))
            elif name.endswith("gate.weight") and p.shape[0] > 1:
                # Router: large enough that top-k choices are far from ties.
                p.copy_(0.8 * torch.randn(p.shape, generator=g))
            else:
                p.copy_(0.15 * torch.randn(p.shape, generator=g))


def hf_state_dict(model, cfg):
    """State dict in the on-disk layout of real checkpoints (per-expert tensors, FORMATS.md)."""
    sd = {k: v.detach().clone().contiguous() for k, v in model.state_dict().items()}
    if cfg.tie_word_embeddings:
        sd.pop("lm_head.weight", None)
    out = {}
    mixtral = cfg.model_type == "mixtral"
    for k, v in sd.items():
        if k.endswith("mlp.experts.gate_up_proj"):
            prefix = k[: -len("gate_up_proj")]
            inter = v.shape[1] // 2
            for e in range(v.shape[0]):
                gate, up = v[e, :inter].contiguous(), v[e, inter:].contiguous()
                if mixtral:
                    base = prefix.replace(".mlp.", ".block_sparse_moe.")
                    out[f"{base}{e}.w1.weight"] = gate
                    out[f"{base}{e}.w3.weight"] = up
                else:
                    out[f"{prefix}{e}.gate_proj.weight"] = gate
                    out[f"{prefix}{e}.up_proj.weight"] = up
        elif k.endswith("mlp.experts.down_proj"):
            prefix = k[: -len("down_proj")]
            for e in range(v.shape[0]):
                if mixtral:
                    out[f"{prefix.replace('.mlp.', '.block_sparse_moe.')}{e}.w2.weight"] = v[e].contiguous()
                else:
                    out[f"{prefix}{e}.down_proj.weight"] = v[e].contiguous()
        elif mixtral and k.endswith("mlp.gate.weight"):
            out[k.replace(".mlp.", ".block_sparse_moe.")] = v
        else:
            out[k] = v
    return out


def round7(x):
    return float(f"{x:.7g}")


def run(model, seqs, moe):
    """Logits per sequence and, for MoE models, top-k expert ids per layer and token."""
    routes = []
    hooks = []
    if moe:
        for layer in model.model.layers:
            hooks.append(layer.mlp.gate.register_forward_hook(lambda _m, _i, out: routes.append(out)))
    results = []
    with torch.no_grad():
        for s in seqs:
            routes.clear()
            logits = model(torch.tensor([s])).logits[0]
            entry = {"tokens": s, "logits": [[round7(v) for v in row] for row in logits.tolist()]}
            if moe:
                entry["experts"] = [r[2].tolist() for r in routes]
                # Smallest gap between the k-th and (k+1)-th router logit (softmax is monotone):
                # near-ties would make the golden depend on rounding, so the script avoids them.
                gaps = []
                for r in routes:
                    p = r[0].float().sort(dim=-1, descending=True).values
                    k = r[2].shape[-1]
                    gaps.append(float((p[:, k - 1] - p[:, k]).min()))
                entry["min_topk_gap"] = min(gaps)
            results.append(entry)
    for h in hooks:
        h.remove()
    return results, logits


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="src/model/fixtures")
    args = ap.parse_args()
    torch.set_num_threads(1)
    for i, (name, cfg) in enumerate(configs().items()):
        moe = cfg.model_type in ("qwen2_moe", "mixtral")
        # Seeds are tried in a fixed order until no router decision is within 1e-3 (in router logits) of a tie.
        for attempt in range(50):
            torch.manual_seed(1000 + i)
            model = AutoModelForCausalLM.from_config(cfg, attn_implementation="eager", dtype=torch.float32).eval()
            randomise(model, 2000 + i + 100 * attempt)
            results, _ = run(model, SEQUENCES, moe)
            if not moe or min(r["min_topk_gap"] for r in results) >= 1e-3:
                break
        else:
            raise SystemExit(f"{name}: every seed gave a router near-tie")
        folder = os.path.join(args.out, name)
        shutil.rmtree(folder, ignore_errors=True)
        os.makedirs(folder)
        cfg.save_pretrained(folder)
        save_file(hf_state_dict(model, cfg), os.path.join(folder, "model.safetensors"), metadata={"format": "pt"})
        # The folder must load in stock transformers and give the same logits.
        again = AutoModelForCausalLM.from_pretrained(folder, attn_implementation="eager", dtype=torch.float32).eval()
        results2, _ = run(again, SEQUENCES, moe)
        for a, b in zip(results, results2):
            diff = np.abs(np.array(a["logits"]) - np.array(b["logits"])).max()
            if diff > 0:
                raise SystemExit(f"{name}: reloaded checkpoint differs by {diff}")
        golden = {
            "generator": f"transformers {transformers.__version__}, torch {torch.__version__}, float32, eager attention",
            "model_type": cfg.model_type,
            "sequences": results,
        }
        with open(os.path.join(folder, "goldens.json"), "w") as f:
            json.dump(golden, f, separators=(",", ":"))
        print(name, "ok", {k: os.path.getsize(os.path.join(folder, k)) for k in os.listdir(folder)})


if __name__ == "__main__":
    main()
