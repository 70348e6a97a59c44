"""Peer timing for bench/assign.bench.mjs: scipy.optimize.linear_sum_assignment on the same
seeded matrix as the TypeScript side (see matrices.py). Prints one JSON line:
{"ms": best wall time of the solve, "cpu_ms": its process CPU time, "objective": ..., "checksum": ..., "gen_ms": ...}.
Usage: python scripts/goldens/lap_scipy_peer.py KIND N SEED [REPS]
"""
import json
import os
import sys
import time

import numpy as np
from scipy.optimize import linear_sum_assignment

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from matrices import make_matrix, permutation_checksum  # noqa: E402


def main():
    kind, n, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    reps = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    t0 = time.perf_counter()
    c = make_matrix(kind, n, seed)
    gen_ms = (time.perf_counter() - t0) * 1e3
    best = float("inf")
    best_cpu = float("inf")
    for _ in range(reps):
        t = time.perf_counter()
        tc = time.process_time()
        rows, cols = linear_sum_assignment(c, maximize=True)
        best = min(best, (time.perf_counter() - t) * 1e3)
        best_cpu = min(best_cpu, (time.process_time() - tc) * 1e3)
    obj = float(c[rows, cols].astype(np.float64).sum())
    print(json.dumps({"ms": best, "cpu_ms": best_cpu, "objective": obj, "checksum": permutation_checksum(cols), "gen_ms": gen_ms}))


if __name__ == "__main__":
    main()
