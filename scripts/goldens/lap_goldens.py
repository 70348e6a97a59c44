"""Golden optima for the assignment solvers, from scipy.optimize.linear_sum_assignment.

Regenerates the seeded matrices of src/core/assign/generators.ts (bit-identical, see
matrices.py), solves them with scipy (maximize=True) and writes seeds + objectives + a
permutation checksum to src/core/assign/fixtures/lap-goldens.json. Run from the repository
root with a Python that has numpy and scipy:  python scripts/goldens/lap_goldens.py
"""
import json
import os
import sys

import numpy as np
import scipy
from scipy.optimize import linear_sum_assignment

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from matrices import make_matrix, permutation_checksum  # noqa: E402

CASES = [(kind, n, seed) for kind in ("uniform", "corr", "noise") for n, seeds in ((64, (1, 2, 3)), (512, (1, 2)), (2048, (1,))) for seed in seeds]


def main():
    out = []
    for kind, n, seed in CASES:
        c = make_matrix(kind, n, seed)
        rows, cols = linear_sum_assignment(c.astype(np.float64), maximize=True)
        assert (rows == np.arange(n)).all()
        obj = float(c[rows, cols].astype(np.float64).sum())
        out.append({"kind": kind, "n": n, "seed": seed, "objective": obj, "checksum": permutation_checksum(cols)})
        print(kind, n, seed, repr(obj))
    path = os.path.join("src", "core", "assign", "fixtures", "lap-goldens.json")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump({"generator": "scripts/goldens/lap_goldens.py", "numpy": np.__version__, "scipy": scipy.__version__, "cases": out}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
