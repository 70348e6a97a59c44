"""Golden linear CKA values from an independent formulation (centred Gram matrices / HSIC).

Inputs are rebuilt from seeds by the same counter-mode mulberry32 as
src/core/stats/fixtures.ts (see matrices.py), so only seeds and values are committed:
  X[t, c] = f32(2 U(seed, t p + c) - 1 + 3 c / p)          (columns with offsets)
  Y[t, c] = f32(0.5 X[t, c mod p] + 0.5 (2 U(seed + 1, t q + c) - 1))
CKA = tr(K H L H) / sqrt(tr(K H K H) tr(L H L H)), K = X X^T, L = Y Y^T, H = I - 11^T / T.
Run from the repository root:  python scripts/goldens/cka_fixtures.py
"""
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from matrices import mulberry_at  # noqa: E402

CASES = [(50, 8, 6, 1), (200, 16, 16, 2), (600, 32, 12, 3)]


def inputs(T, p, q, seed):
    t = np.arange(T, dtype=np.uint64)[:, None]
    cx = np.arange(p, dtype=np.uint64)[None, :]
    cy = np.arange(q, dtype=np.uint64)[None, :]
    x = (2.0 * mulberry_at(seed, t * np.uint64(p) + cx) - 1.0 + 3.0 * np.arange(p)[None, :] / p).astype(np.float32)
    xs = x.astype(np.float64)[:, np.arange(q) % p]
    y = (0.5 * xs + 0.5 * (2.0 * mulberry_at(seed + 1, t * np.uint64(q) + cy) - 1.0)).astype(np.float32)
    return x.astype(np.float64), y.astype(np.float64)


def cka_gram(x, y):
    T = x.shape[0]
    h = np.eye(T) - np.ones((T, T)) / T
    k = h @ (x @ x.T) @ h
    l = h @ (y @ y.T) @ h
    return float(np.sum(k * l) / np.sqrt(np.sum(k * k) * np.sum(l * l)))


def main():
    out = []
    for T, p, q, seed in CASES:
        x, y = inputs(T, p, q, seed)
        out.append({"T": T, "p": p, "q": q, "seed": seed, "cka": cka_gram(x, y), "ckaXX": cka_gram(x, x)})
        print(out[-1])
    path = os.path.join("src", "core", "stats", "fixtures", "cka-fixtures.json")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump({"generator": "scripts/goldens/cka_fixtures.py", "numpy": np.__version__, "cases": out}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
