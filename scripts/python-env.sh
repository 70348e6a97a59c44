#!/usr/bin/env bash
# Creates or updates the Python reference environment in .venv/ (repo root, git-ignored):
# torch (CPU), transformers, tokenizers, safetensors, numpy, scipy, onnx, onnxruntime, pinned in
# requirements-dev.txt. Installs only from the package indexes and wheel folder that pip's own
# configuration names (`pip config list`), never the public index. Idempotent: when .venv already
# satisfies requirements-dev.txt it returns in about a second.
# Usage: bash scripts/python-env.sh        then: .venv/bin/python ...
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
REQ="requirements-dev.txt"
VENV=".venv"
PY="${PYTHON:-python3}"
STAMP="$VENV/.requirements-dev.sha256"
want="$(sha256sum "$REQ" | cut -d' ' -f1)"

if [ -x "$VENV/bin/python" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ]; then
  if "$VENV/bin/python" -c "import torch, transformers, tokenizers, safetensors, numpy, scipy, onnx, onnxruntime" 2>/dev/null; then
    echo "python-env: $VENV is up to date"
    exit 0
  fi
fi

[ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"

# Read the local indexes from pip's configuration (global.extra-index-url / find-links).
cfg="$("$VENV/bin/python" -m pip config list 2>/dev/null || true)"
get() { printf '%s\n' "$cfg" | { grep -E "^(global|:env:)\.$1=" || true; } | head -1 | sed -E "s/^[^=]*='(.*)'$/\1/"; }
idx="$(get index-url)"; extra="$(get extra-index-url)"; links="$(get find-links)"
args=()
urls=()
[ -n "$idx" ] && urls+=($idx)
[ -n "$extra" ] && urls+=($extra)
local_urls=()
for u in "${urls[@]}"; do case "$u" in file://*) local_urls+=("$u");; esac; done
if [ "${#local_urls[@]}" -gt 0 ]; then
  args+=(--index-url "${local_urls[0]}")
  for u in "${local_urls[@]:1}"; do args+=(--extra-index-url "$u"); done
else
  echo "python-env: no local file:// index in pip config; using pip defaults" >&2
fi
[ -n "$links" ] && args+=(--find-links "$links")

"$VENV/bin/python" -m pip install -q --disable-pip-version-check "${args[@]}" -r "$REQ"
echo "$want" > "$STAMP"
"$VENV/bin/python" -c "import torch, transformers, tokenizers; print('python-env: torch', torch.__version__, 'transformers', transformers.__version__, 'tokenizers', tokenizers.__version__)"
