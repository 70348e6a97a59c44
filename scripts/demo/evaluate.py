"""Per-domain validation perplexity of every demo model (training domains and the held-out
legal / biomedical domains), plus a check that stock transformers loads each folder with
from_pretrained and reproduces our logits. Writes public/demo/perplexity.json.
Perplexity: exp(mean next-token NLL) over consecutive non-overlapping windows of eval.seq_len tokens
of the domain's validation stream (documents joined by <|endoftext|>), at most
eval.max_tokens_per_domain tokens.
Usage: python scripts/demo/evaluate.py [MODEL ...]   (names: only re-evaluate these, keep the other rows)
"""
import json
import math
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import ALL_DOMAINS, DEMO, MODELS, S, load_model, token_stream, tokenizer  # noqa: E402

E = S["eval"]


def perplexity(model, stream):
    L = E["seq_len"]
    n = min(len(stream), E["max_tokens_per_domain"]) // L * L
    x = torch.from_numpy(stream[:n].reshape(-1, L))
    nll, count = 0.0, 0
    for i in range(0, len(x), 16):
        logits = model(input_ids=x[i:i + 16]).logits[:, :-1].double()
        tgt = x[i:i + 16, 1:]
        nll += torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), tgt.reshape(-1),
                                                 reduction="sum").item()
        count += tgt.numel()
    return math.exp(nll / count), count


def hf_roundtrip(name, model, sample):
    from transformers import AutoModelForCausalLM
    hf = AutoModelForCausalLM.from_pretrained(os.path.join(MODELS, name), dtype=torch.float32)
    hf.eval()
    a = model(input_ids=sample).logits
    b = hf(input_ids=sample).logits
    return float((a - b).abs().max())


def main():
    torch.set_num_threads(S["training"]["threads"])
    tok = tokenizer()
    streams = {d: token_stream(tok, d, "validation") for d in ALL_DOMAINS}
    names = sorted(n for n in os.listdir(MODELS) if os.path.exists(os.path.join(MODELS, n, "model.safetensors")))
    out = {"domains": ALL_DOMAINS, "tokens": {}, "perplexity": {}, "hf_max_abs_logit_diff": {}}
    prev = os.path.join(DEMO, "perplexity.json")
    if len(sys.argv) > 1 and os.path.exists(prev):
        out = json.load(open(prev))
        names = sys.argv[1:]
    sample = torch.from_numpy(streams["prose"][:128]).unsqueeze(0)
    for name in names:
        model = load_model(name)
        row = {}
        for d in ALL_DOMAINS:
            ppl, count = perplexity(model, streams[d])
            row[d] = round(ppl, 3)
            out["tokens"][d] = count
        out["perplexity"][name] = row
        out["hf_max_abs_logit_diff"][name] = hf_roundtrip(name, model, sample)
        print(f"{name:24s} " + " ".join(f"{d}={row[d]:.2f}" for d in ALL_DOMAINS)
              + f"  hf-diff={out['hf_max_abs_logit_diff'][name]:.1e}", flush=True)
    out["perplexity"] = dict(sorted(out["perplexity"].items()))
    out["hf_max_abs_logit_diff"] = dict(sorted(out["hf_max_abs_logit_diff"].items()))
    json.dump(out, open(prev, "w"), indent=1)


if __name__ == "__main__":
    main()
