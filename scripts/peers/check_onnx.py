#!/usr/bin/env python3
"""Validate an exported ONNX model with the onnx checker and run it in Python onnxruntime.

    python scripts/peers/check_onnx.py <model.onnx> <comma-separated token ids>

Prints {"opset", "ops", "logits": [[V floats] x T]} as JSON; exits non-zero when the checker
(full_check: shape inference included) rejects the model. Used by scripts/python-checks.mjs.
"""
import json
import sys

import numpy as np
import onnx
import onnxruntime as ort


def main():
    path, tokens = sys.argv[1], [int(t) for t in sys.argv[2].split(",")]
    model = onnx.load(path)
    onnx.checker.check_model(model, full_check=True)
    sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    logits = sess.run(["logits"], {"input_ids": np.array([tokens], dtype=np.int64)})[0][0]
    print(
        json.dumps(
            {
                "opset": model.opset_import[0].version,
                "ops": sorted({n.op_type for n in model.graph.node}),
                "logits": logits.tolist(),
            }
        )
    )


if __name__ == "__main__":
    main()
