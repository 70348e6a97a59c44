"""Seeded test matrices for the assignment solvers, bit-identical to src/core/assign/generators.ts.

Counter-mode mulberry32: value k of seed s is the (k+1)-th output of mulberry32 started at s.
Only +, -, *, min and one float32 rounding per element are used, in the same order as the
TypeScript code, so both languages build the same float32 matrix.
"""
import numpy as np

GOLDEN = 0x6D2B79F5
M32 = np.uint64(0xFFFFFFFF)


def mulberry_at(seed, k):
    """Outputs k (uint64 array) of mulberry32(seed) as float64 in [0, 1)."""
    s0 = (seed & 0xFFFFFFFF) or 0x9E3779B9
    st = ((np.uint64(s0) + (np.asarray(k, dtype=np.uint64) + np.uint64(1)) * np.uint64(GOLDEN)) & M32).astype(np.uint32)
    with np.errstate(over="ignore"):
        t = (st ^ (st >> np.uint32(15))) * (st | np.uint32(1))
        t = t ^ (t + (t ^ (t >> np.uint32(7))) * (t | np.uint32(61)))
        t = t ^ (t >> np.uint32(14))
    return t.astype(np.float64) / 4294967296.0


def seeded_permutation(n, seed):
    p = np.arange(n, dtype=np.int64)
    u = mulberry_at(seed, np.arange(max(n - 1, 0), dtype=np.uint64))
    k = 0
    for i in range(n - 1, 0, -1):
        j = int(np.floor(u[k] * (i + 1)))
        k += 1
        p[i], p[j] = p[j], p[i]
    return p


def _noise(seed, q):
    b = 4 * q
    return 0.1 * ((((mulberry_at(seed, b) + mulberry_at(seed, b + 1)) + mulberry_at(seed, b + 2)) + mulberry_at(seed, b + 3)) - 2.0)


def make_matrix(kind, n, seed, rows_per_chunk=512):
    c = np.empty((n, n), dtype=np.float32)
    if kind == "corr":
        idx = np.arange(n, dtype=np.uint64)
        a = 2.0 * mulberry_at((seed + 1) & 0xFFFFFFFF, idx) - 1.0
        b = 2.0 * mulberry_at((seed + 2) & 0xFFFFFFFF, idx) - 1.0
        has = mulberry_at((seed + 4) & 0xFFFFFFFF, idx) < 0.6
        s = np.where(has, 0.2 + 0.6 * mulberry_at((seed + 5) & 0xFFFFFFFF, idx), 0.0)
        pi = seeded_permutation(n, (seed + 3) & 0xFFFFFFFF)
    for r0 in range(0, n, rows_per_chunk):
        r1 = min(n, r0 + rows_per_chunk)
        q = (np.arange(r0, r1, dtype=np.uint64)[:, None] * np.uint64(n) + np.arange(n, dtype=np.uint64)[None, :])
        if kind == "uniform":
            c[r0:r1] = mulberry_at(seed, q).astype(np.float32)
        elif kind == "noise":
            c[r0:r1] = _noise(seed, q).astype(np.float32)
        elif kind == "corr":
            rows = np.arange(r0, r1)
            ai = 0.05 * a[rows]
            x = _noise(seed, q) + ai[:, None] * b[None, :]
            part = np.zeros((r1 - r0, n))
            part[np.arange(r1 - r0), pi[rows]] = s[rows]
            c[r0:r1] = np.minimum(1.0, x + part).astype(np.float32)
        else:
            raise ValueError(kind)
    return c


def permutation_checksum(p):
    h = 0
    for v in p:
        h = (h * 31 + int(v) + 1) % 1000000007
    return h
