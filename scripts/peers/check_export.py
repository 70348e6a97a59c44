#!/usr/bin/env python3
"""Load an exported checkpoint folder with stock transformers and print its logits as JSON.

    python scripts/peers/check_export.py <folder> <comma-separated token ids>

Loads with AutoModelForCausalLM.from_pretrained (float32, eager attention) and fails when any
weight is missing, unexpected or mismatched in shape: a silently re-initialised tensor (e.g. an
untied lm_head) would otherwise pass unnoticed. Prints one JSON object on stdout:
{"model_type", "architecture", "transformers", "logits": [[V floats] x T]}.
Used by scripts/python-checks.mjs; the test suite never needs Python otherwise.
"""
import json
import sys

import torch
import transformers
from transformers import AutoModelForCausalLM


def main():
    folder, tokens = sys.argv[1], [int(t) for t in sys.argv[2].split(",")]
    torch.set_num_threads(1)
    model, info = AutoModelForCausalLM.from_pretrained(
        folder, dtype=torch.float32, attn_implementation="eager", output_loading_info=True
    )
    problems = {k: v for k, v in info.items() if v and k in ("missing_keys", "unexpected_keys", "mismatched_keys", "error_msgs")}
    if problems:
        print(json.dumps({"error": f"loading reported {problems}"}))
        sys.exit(2)
    model.eval()
    with torch.no_grad():
        logits = model(torch.tensor([tokens])).logits[0]
    print(
        json.dumps(
            {
                "model_type": model.config.model_type,
                "architecture": type(model).__name__,
                "transformers": transformers.__version__,
                "logits": logits.tolist(),
            }
        )
    )


if __name__ == "__main__":
    main()
