#!/usr/bin/env python3
"""Peer for the export rows of `npm run bench` (bench/harness/export.ts): writes the same tensors
(names and shapes from the plan JSON in argv[1], F32, seeded random values) with Python
safetensors, timed like ours (1 warm-up, median of `runs`):
  memory:    safetensors.numpy.save(tensors) -> bytes
  folder:    safetensors.numpy.save_file(tensors, <dir>/model.safetensors)
  folder16:  safetensors.torch.save_file({k: t.to(bfloat16)}), conversion included (needs torch)
Prints JSON {"safetensors": version, "numpy": version, "torch": version|null, "total_bytes": n,
"mb_s": {mode: MB/s}} where MB = 1e6 bytes of tensor data (F32 or BF16 as written)."""
import json
import os
import statistics
import sys
import tempfile
import time

import numpy as np
import safetensors
from safetensors.numpy import save, save_file


def timed(fn, runs):
    fn()
    xs = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        xs.append(time.perf_counter() - t0)
    return statistics.median(xs)


def main():
    plan = json.load(open(sys.argv[1]))
    out_dir = sys.argv[2]
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    rng = np.random.default_rng(0)
    tensors = {t["name"]: rng.standard_normal(t["shape"], dtype=np.float32) for t in plan}
    f32 = sum(a.nbytes for a in tensors.values())
    res = {"safetensors": safetensors.__version__, "numpy": np.__version__, "torch": None, "total_bytes": f32, "mb_s": {}}
    res["mb_s"]["memory"] = f32 / 1e6 / timed(lambda: save(tensors, metadata={"format": "pt"}), runs)
    path = os.path.join(out_dir, "model.safetensors")
    res["mb_s"]["folder"] = f32 / 1e6 / timed(lambda: save_file(tensors, path, metadata={"format": "pt"}), runs)
    try:
        import torch
        from safetensors.torch import save_file as save_file_pt
    except ImportError:
        torch = None
    if torch is not None:
        res["torch"] = torch.__version__
        pt = {k: torch.from_numpy(v) for k, v in tensors.items()}
        res["mb_s"]["folder16"] = (f32 / 2) / 1e6 / timed(
            lambda: save_file_pt({k: v.to(torch.bfloat16) for k, v in pt.items()}, path, metadata={"format": "pt"}), runs)
    print(json.dumps(res))


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as d:
        sys.argv = sys.argv[:2] + [d] + sys.argv[2:]
        main()
