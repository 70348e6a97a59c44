"""Builds the demo corpora from the pinned raw sources (see fetch_sources.sh) into
public/demo/corpora/: <domain>.<split>.jsonl, one {"text": ...} document per line, plus LICENSES.md.
Training domains (prose, code, math, speech) get a train and a validation split; held-out domains
(legal, biomedical) get a validation split only and are never trained on. A document goes to
validation when its salted SHA-256 falls under the validation fraction; within a split documents
are ordered by hash and taken until the split's byte budget is reached.
Usage: python scripts/demo/build_corpora.py CACHE_DIR
"""
import glob
import hashlib
import json
import os
import re
import sqlite3
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mathgen import generate  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "public", "demo", "corpora")
S = json.load(open(os.path.join(ROOT, "scripts", "demo", "settings.json")))
C = S["corpora"]


def npm_dir(cache, key):
    spec = S["sources"]["npm"][key]
    return os.path.join(cache, "npm", spec.replace("/", "_").replace("@", "_"), "package")


def clean(t):
    t = t.replace("\r\n", "\n").replace("\r", "\n")
    t = re.sub(r"[ \t]+\n", "\n", t)
    return t.strip()


def excerpt(text, n_bytes):
    """Leading paragraphs (or sentences, for run-on paragraphs) of text, up to about n_bytes."""
    out, total = [], 0
    for para in re.split(r"\n\s*\n|\n", text):
        if not para.strip():
            continue
        b = len(para.encode("utf-8")) + 2
        if total + b > n_bytes:
            if not out or total < n_bytes // 2:
                sent = ""
                for m in re.finditer(r"[^.!?]+[.!?]+[\"')\]]*\s*", para):
                    if total + len((sent + m.group(0)).encode("utf-8")) > n_bytes and sent:
                        break
                    sent += m.group(0)
                if sent.strip():
                    out.append(sent.strip())
            break
        out.append(para)
        total += b
    return "\n\n".join(out)


def prose(cache):
    d = os.path.join(npm_dir(cache, "moby_dick"), "data")
    files = sorted(glob.glob(os.path.join(d, "chapter_*.txt")))
    files += [os.path.join(d, f) for f in ("etymology.txt", "extracts.txt", "epilogue.txt")]
    return [clean(open(f, encoding="utf-8").read()) for f in files]


def speech(cache):
    d = os.path.join(npm_dir(cache, "sotu"), "data")
    docs = []
    for f in sorted(glob.glob(os.path.join(d, "[0-9]*.txt"))):
        docs.append(excerpt(clean(open(f, encoding="utf-8").read()), C["speech_excerpt_bytes"]))
    return docs


def code(cache):
    docs = []
    skip = {"lodash.js", "lodash.min.js", "core.js", "core.min.js", "fp.js"}
    lo = npm_dir(cache, "lodash")
    for f in sorted(glob.glob(os.path.join(lo, "*.js"))):
        if os.path.basename(f) not in skip:
            docs.append(("lodash/" + os.path.basename(f), f))
    un = os.path.join(npm_dir(cache, "underscore"), "modules")
    for f in sorted(glob.glob(os.path.join(un, "*.js"))):
        docs.append(("underscore/modules/" + os.path.basename(f), f))
    out = []
    for name, f in docs:
        t = clean(open(f, encoding="utf-8").read())
        if len(t) >= 300:
            out.append(f"// {name}\n{t}")
    return out


def math(_cache):
    need = int((C["train_bytes"] + C["validation_bytes"]) / C["validation_fraction"] * 0.2 + C["train_bytes"] * 1.5)
    return generate(C["math_seed"], need)


def legal(cache):
    docs = []
    for f in sorted(glob.glob(os.path.join(npm_dir(cache, "spdx"), "licenses", "*.json"))):
        j = json.load(open(f, encoding="utf-8"))
        t = clean(j.get("licenseText") or "")
        if len(t) >= 300:
            docs.append(excerpt(t, C["speech_excerpt_bytes"]))
    return docs


def biomedical(cache):
    db = sqlite3.connect(os.path.join(cache, "debian", "go_db", "GO.sqlite"))
    rows = db.execute("select term, definition from go_term order by go_id").fetchall()
    return [f"{t}: {clean(d)}" for t, d in rows if d and len(d) > 40]


BUILDERS = {"prose": prose, "code": code, "math": math, "speech": speech, "legal": legal, "biomedical": biomedical}


def key(domain, doc):
    return hashlib.sha256(f"{C['split_seed']}\n{domain}\n{doc}".encode("utf-8")).hexdigest()


def take(docs, budget):
    out, total = [], 0
    for _, d in docs:
        b = len(d.encode("utf-8"))
        if total + b <= budget:
            out.append(d)
            total += b
    return out


def write_jsonl(path, docs):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for d in docs:
            f.write(json.dumps({"text": d}, ensure_ascii=False) + "\n")


LICENSES = """# Demo corpora: sources, licences and attributions

Built by `scripts/demo/build_corpora.py` from the pinned sources below (fetched by
`scripts/demo/fetch_sources.sh`). Files: `<domain>.<split>.jsonl`, one JSON object `{{"text": ...}}`
per line (one document). The text is excerpted and lightly normalised (line endings, trailing spaces).

| domain | role | source (pinned) | licence |
| --- | --- | --- | --- |
| prose | train + validation | npm `{moby_dick}`: Herman Melville, *Moby-Dick* (chapters) | public domain (text); package data PDDL-1.0 / CC0-1.0, code Apache-2.0 |
| speech | train + validation | npm `{sotu}`: U.S. State of the Union addresses (first paragraphs of each) | public domain (works of the U.S. Government); package data PDDL-1.0 / CC0-1.0 |
| code | train + validation | npm `{lodash}` (per-method module files) and `{underscore}` (`modules/*.js`) | MIT (see below) |
| math | train + validation | generated by `scripts/demo/mathgen.py` (seed {math_seed}) | this repository's licence |
| legal | held-out validation only | npm `{spdx}`: licence texts of the SPDX License List (leading paragraphs) | package CC0-1.0; each text is the licence it names, reproduced verbatim as licence texts are meant to be |
| biomedical | held-out validation only | Debian `{go_db}` (GO.db, `GO.sqlite`, table `go_term`: term and definition), Gene Ontology release {go_date} | Gene Ontology data: CC BY 4.0 |

## Attribution: Gene Ontology (CC BY 4.0)
The biomedical validation text consists of term names and definitions from the Gene Ontology
(http://geneontology.org), as packaged by Bioconductor's GO.db (Debian package r-bioc-go.db).
Gene Ontology Consortium. The Gene Ontology knowledgebase in 2023. Genetics 224(1), 2023.
Ashburner et al. Gene ontology: tool for the unification of biology. Nat Genet 25(1):25-29, 2000.
Licence: Creative Commons Attribution 4.0 International, https://creativecommons.org/licenses/by/4.0/ .
Changes: only term and definition are used, joined as "term: definition"; a subset selected by hash.

## MIT notice: lodash
{lodash_license}

## MIT notice: underscore
{underscore_license}
"""


def main():
    cache = sys.argv[1]
    os.makedirs(OUT, exist_ok=True)
    stats = {}
    for domain, build in BUILDERS.items():
        docs = sorted({d for d in build(cache) if d}, key=lambda d: key(domain, d))
        keyed = [(key(domain, d), d) for d in docs]
        heldout = domain in C["heldout_domains"]
        if heldout:
            splits = {"validation": take(keyed, C["heldout_validation_bytes"])}
        else:
            thr = int(C["validation_fraction"] * 2 ** 32)
            val = [(k, d) for k, d in keyed if int(k[:8], 16) < thr]
            tr = [(k, d) for k, d in keyed if int(k[:8], 16) >= thr]
            splits = {"train": take(tr, C["train_bytes"]), "validation": take(val, C["validation_bytes"])}
        for split, ds in splits.items():
            write_jsonl(os.path.join(OUT, f"{domain}.{split}.jsonl"), ds)
            stats[f"{domain}.{split}"] = {"docs": len(ds), "bytes": sum(len(d.encode()) for d in ds)}
        print(f"corpora: {domain}: " + ", ".join(f"{s} {stats[f'{domain}.{s}']}" for s in splits))
    godb = sqlite3.connect(os.path.join(cache, "debian", "go_db", "GO.sqlite"))
    go_date = godb.execute("select value from metadata where name='GOSOURCEDATE'").fetchone()[0]
    npm = S["sources"]["npm"]
    text = LICENSES.format(
        moby_dick=npm["moby_dick"], sotu=npm["sotu"], lodash=npm["lodash"], underscore=npm["underscore"],
        spdx=npm["spdx"], go_db=S["sources"]["debian"]["go_db"], go_date=go_date, math_seed=C["math_seed"],
        lodash_license=indent(open(os.path.join(npm_dir(cache, "lodash"), "LICENSE")).read()),
        underscore_license=indent(open(os.path.join(npm_dir(cache, "underscore"), "LICENSE")).read()))
    open(os.path.join(OUT, "LICENSES.md"), "w").write(text)


def indent(t):
    return "\n".join("    " + line if line.strip() else "" for line in t.strip().splitlines())


if __name__ == "__main__":
    main()
