"""Writes the descriptive demo artifacts from the trained models and the measurements:
public/demo/manifest.json (models, their domain and origin, corpora files), each model's README.md
(model card with its per-domain validation perplexity), and the generated tables of docs/demo.md
(the blocks between <!-- demo:NAME --> and <!-- /demo:NAME --> markers; the prose around them is
hand-written).
Usage: python scripts/demo/write_artifacts.py   (after evaluate.py and alignment_check.py)
"""
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import ALL_DOMAINS, CORPORA, DEMO, HELDOUT_DOMAINS, MODELS, ROOT, S, TRAIN_DOMAINS, token_stream, tokenizer  # noqa: E402

PPL = json.load(open(os.path.join(DEMO, "perplexity.json")))
ALN = json.load(open(os.path.join(DEMO, "alignment.json")))


def model_entries():
    out = []
    for name in sorted(PPL["perplexity"], key=lambda n: (n != "base", n.startswith("independent"), n)):
        t = json.load(open(os.path.join(MODELS, name, "training.json")))
        e = {"id": f"demo/{name}", "path": f"models/{name}", "origin": t["kind"],
             "domain": t.get("domain", "mix"), "branched_from": "demo/base" if t["kind"] == "branched" else None,
             "seed": t.get("seed", t["phase"].get("seed")), "steps": t["phase"]["steps"], "lr": t["phase"]["lr"]}
        if t["kind"] == "base":
            e["domains"] = t["phase"]["domains"]
        out.append(e)
    return out


def corpora_entries():
    tok = tokenizer()
    out = []
    for d in ALL_DOMAINS:
        for split in ("train", "validation"):
            p = os.path.join(CORPORA, f"{d}.{split}.jsonl")
            if not os.path.exists(p):
                continue
            n_docs = sum(1 for _ in open(p, encoding="utf-8"))
            out.append({"domain": d, "split": split, "path": f"corpora/{d}.{split}.jsonl",
                        "heldout": d in HELDOUT_DOMAINS, "documents": n_docs, "bytes": os.path.getsize(p),
                        "tokens": int(len(token_stream(tok, d, split)))})
    return out


def ppl_table(names=None, mark=True):
    names = names or [m["id"].split("/", 1)[1] for m in model_entries()]
    cols = ALL_DOMAINS
    best = {d: min(PPL["perplexity"][n][d] for n in names if n != "base" or len(names) == 1) for d in cols}
    head = "| model | " + " | ".join(d + (" (held-out)" if d in HELDOUT_DOMAINS else "") for d in cols) + " |"
    lines = [head, "| --- |" + " ---: |" * len(cols)]
    for n in names:
        cells = []
        for d in cols:
            v = PPL["perplexity"][n][d]
            s = f"{v:.2f}"
            cells.append(f"**{s}**" if mark and n != "base" and v == best[d] and d in TRAIN_DOMAINS else s)
        lines.append(f"| demo/{n} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def own_domain_check():
    lines = []
    for n, row in PPL["perplexity"].items():
        t = json.load(open(os.path.join(MODELS, n, "training.json")))
        if t["kind"] != "branched":
            continue
        d = t["domain"]
        peers = [m for m, r in PPL["perplexity"].items() if m not in ("base", n)]
        col_ok = all(row[d] < PPL["perplexity"][m][d] for m in peers)
        base_ok = row[d] < PPL["perplexity"]["base"][d]
        lines.append(f"| demo/{n} | {d} | {row[d]:.2f} | {'yes' if col_ok else 'NO'} | "
                     f"{'yes' if base_ok else 'NO'} ({PPL['perplexity']['base'][d]:.2f}) |")
    return ("| expert | own domain | ppl | lowest of all experts on its domain | below the base |\n"
            "| --- | --- | ---: | --- | --- |\n" + "\n".join(lines))


def alignment_table():
    lines = [f"Anchor: demo/{ALN['anchor']}; calibration: {ALN['calibration_tokens']} tokens "
             f"(equal share of the validation splits of {', '.join(ALN['calibration_domains'])}); "
             f"d_ff = {S['model']['intermediate_size']} neurons per layer.", "",
             "| model vs anchor | layer | fixed points | mean corr, identity | mean corr, matched |",
             "| --- | ---: | ---: | ---: | ---: |"]
    for n, layers in ALN["models"].items():
        for i, l in enumerate(layers):
            lines.append(f"| demo/{n} | {i} | {l['fixed_point_fraction']:.3f} | {l['mean_corr_identity']:.3f} | "
                         f"{l['mean_corr_matched']:.3f} |")
    return "\n".join(lines)


def sizes_table():
    rows = []
    total = 0
    for root, _, files in os.walk(DEMO):
        for f in files:
            total += os.path.getsize(os.path.join(root, f))
    for name in sorted(os.listdir(MODELS)):
        d = os.path.join(MODELS, name)
        if not os.path.isdir(d):
            continue
        rows.append(f"| models/{name} | {sum(os.path.getsize(os.path.join(d, f)) for f in os.listdir(d)) / 1e6:.2f} MB |")
    c = sum(os.path.getsize(os.path.join(CORPORA, f)) for f in os.listdir(CORPORA))
    rows.append(f"| corpora | {c / 1e6:.2f} MB |")
    rows.append(f"| **public/demo total** | **{total / 1e6:.2f} MB** |")
    return "| part | size |\n| --- | ---: |\n" + "\n".join(rows)


def readme(e):
    n = e["id"].split("/", 1)[1]
    m = S["model"]
    origin = {"base": "pre-trained from scratch on the mix of the training domains "
                      f"({', '.join(TRAIN_DOMAINS)})",
              "branched": f"branched from demo/base and fine-tuned on the {e['domain']} domain",
              "independent": f"pre-trained from scratch (seed {e['seed']}) on the {e['domain']} domain alone, "
                             "sharing nothing with demo/base but the tokenizer"}[e["origin"]]
    return f"""---
library_name: transformers
pipeline_tag: text-generation
tags: [symphony-studio-demo, qwen2]
---
# {e['id']}

A tiny Qwen2-architecture causal LM from Symphony Studio's built-in demo family, {origin}
({e['steps']} steps at peak learning rate {e['lr']}). Architecture: hidden {m['hidden_size']},
{m['num_hidden_layers']} layers, {m['num_attention_heads']} attention heads / {m['num_key_value_heads']} KV heads
(head_dim {m['head_dim']}), SwiGLU FFN {m['intermediate_size']}, vocabulary {json.load(open(os.path.join(MODELS, n, 'config.json')))['vocab_size']}
(shared byte-level BPE), tied embeddings, float32. A toy for demonstrating model merging, not a useful LM.

Built reproducibly by `scripts/demo/build.sh`; corpora, sources and licences: `public/demo/corpora/`.

## Validation perplexity per domain
(legal and biomedical are held out: no model saw them in training)

{ppl_table([n], mark=False)}

All models of the family:

{ppl_table()}
"""


def replace_block(text, name, body):
    pat = re.compile(rf"(<!-- demo:{name} -->\n)(?:.*?\n)?(<!-- /demo:{name} -->)", re.S)
    if not pat.search(text):
        raise SystemExit(f"docs/demo.md lacks the block demo:{name}")
    return pat.sub(lambda mt: mt.group(1) + body + "\n" + mt.group(2), text)


def main():
    models = model_entries()
    for e in models:
        open(os.path.join(DEMO, e["path"], "README.md"), "w").write(readme(e))
    manifest = {
        "name": "Symphony Studio demo family", "version": 1,
        "description": "Tiny Qwen2 models: a base, one branch per training domain, and an independently pre-trained model.",
        "tokenizer": "tokenizer.json", "models": models, "train_domains": TRAIN_DOMAINS,
        "heldout_domains": HELDOUT_DOMAINS, "corpora_format": "jsonl: one {\"text\": string} object per line",
        "corpora": corpora_entries(), "licenses": "corpora/LICENSES.md",
        "perplexity": "perplexity.json", "alignment": "alignment.json"}
    json.dump(manifest, open(os.path.join(DEMO, "manifest.json"), "w"), indent=1)
    doc = os.path.join(ROOT, "docs", "demo.md")
    text = open(doc).read()
    for name, body in (("perplexity", ppl_table()), ("own-domain", own_domain_check()),
                       ("alignment", alignment_table()), ("sizes", sizes_table())):
        text = replace_block(text, name, body)
    open(doc, "w").write(text)
    print("artifacts: manifest.json, model READMEs, docs/demo.md tables written")


if __name__ == "__main__":
    main()
