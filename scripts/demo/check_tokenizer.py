"""Encodes samples of every demo domain (train and validation, held-out included, plus edge
cases) with Python `tokenizers`, then runs scripts/demo/check_tokenizer.mjs, which encodes the
same texts with @huggingface/tokenizers (JS, from the repo's node_modules) and compares ids and
decoded text. Exits non-zero on any mismatch.
Usage: python scripts/demo/check_tokenizer.py [path/to/tokenizer.json]
"""
import json
import os
import subprocess
import sys
import tempfile

from tokenizers import Tokenizer

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CORPORA = os.path.join(ROOT, "public", "demo", "corpora")
EDGE = ["", " ", "  leading spaces", "tabs\tand\nnewlines\n\n\n", "Ünïcödé — “quotes” … 日本語 🐳🐋",
        "<|endoftext|>", "a<|endoftext|>b", "x = 3.14e-10; y += x**2 // 7;", "don't I'll we're", "\u00a0\u2003"]


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "public", "demo", "tokenizer.json")
    tok = Tokenizer.from_file(path)
    samples = []
    for f in sorted(os.listdir(CORPORA)):
        if not f.endswith(".jsonl"):
            continue
        domain = f.split(".")[0]
        with open(os.path.join(CORPORA, f), encoding="utf-8") as fh:
            texts = [json.loads(line)["text"] for line in fh][:8]
        samples += [{"domain": domain, "text": t} for t in texts]
    samples += [{"domain": "edge", "text": t} for t in EDGE]
    for s in samples:
        s["ids"] = tok.encode(s["text"], add_special_tokens=False).ids
        s["decoded"] = tok.decode(s["ids"], skip_special_tokens=False)
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as f:
        json.dump({"tokenizer": os.path.abspath(path), "samples": samples}, f)
        tmp = f.name
    try:
        r = subprocess.run(["node", os.path.join(ROOT, "scripts", "demo", "check_tokenizer.mjs"), tmp], cwd=ROOT)
    finally:
        os.unlink(tmp)
    sys.exit(r.returncode)


if __name__ == "__main__":
    main()
