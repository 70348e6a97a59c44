#!/usr/bin/env bash
# Builds the whole built-in demo family from pinned sources, reproducibly:
#   1. Python env (.venv, local package indexes)      scripts/python-env.sh
#   2. raw sources (npm pack / apt-get download)       scripts/demo/fetch_sources.sh
#   3. corpora + licences                              scripts/demo/build_corpora.py
#   4. shared byte-level BPE tokenizer + JS/Python check  train_tokenizer.py, check_tokenizer.py
#   5. training: base, 4 branched experts, 1 independent  train.py
#   6. perplexities, neuron alignment, manifest/READMEs/docs tables
# Output: public/demo/ (see docs/demo.md). Source cache: $DEMO_CACHE (default: a temp folder).
# Usage: bash scripts/demo/build.sh [--skip-train]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
CACHE="${DEMO_CACHE:-${TMPDIR:-/tmp}/symphony-demo-sources}"
PY=.venv/bin/python
export PYTHONHASHSEED=0
start=$(date +%s)
step() { echo "== $1 ($(( $(date +%s) - start )) s)"; }

step "python env";   bash scripts/python-env.sh
step "sources";      bash scripts/demo/fetch_sources.sh "$CACHE"
step "corpora";      $PY scripts/demo/build_corpora.py "$CACHE"
step "tokenizer";    $PY scripts/demo/train_tokenizer.py
step "tokenizer check (JS vs Python)"; $PY scripts/demo/check_tokenizer.py
if [ "${1:-}" != "--skip-train" ]; then
  step "train base + branched experts"; $PY scripts/demo/train.py base-and-experts
  step "train independent";            $PY scripts/demo/train.py independent
fi
step "evaluate";     $PY scripts/demo/evaluate.py
step "alignment";    $PY scripts/demo/alignment_check.py
step "artifacts";    $PY scripts/demo/write_artifacts.py
step "app manifest"; npx tsx scripts/demo/write-manifest.ts
step "done"; du -sh public/demo
