"""Shared helpers of the demo scripts: settings, corpora loading/tokenization, the Qwen2 config
written to config.json, and HF-layout model loading. Paths are relative to the repository root.
"""
import json
import os

import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DEMO = os.path.join(ROOT, "public", "demo")
CORPORA = os.path.join(DEMO, "corpora")
MODELS = os.path.join(DEMO, "models")
S = json.load(open(os.path.join(ROOT, "scripts", "demo", "settings.json")))
EOS = "<|endoftext|>"
TRAIN_DOMAINS = S["corpora"]["train_domains"]
HELDOUT_DOMAINS = S["corpora"]["heldout_domains"]
ALL_DOMAINS = TRAIN_DOMAINS + HELDOUT_DOMAINS


def docs(domain, split):
    with open(os.path.join(CORPORA, f"{domain}.{split}.jsonl"), encoding="utf-8") as f:
        return [json.loads(line)["text"] for line in f]


def tokenizer():
    from tokenizers import Tokenizer
    return Tokenizer.from_file(os.path.join(DEMO, "tokenizer.json"))


def token_stream(tok, domain, split):
    """All documents of a split, each followed by <|endoftext|>, as one int64 array."""
    eos = tok.token_to_id(EOS)
    out = []
    for enc in tok.encode_batch([d for d in docs(domain, split)], add_special_tokens=False):
        out.extend(enc.ids)
        out.append(eos)
    return np.asarray(out, dtype=np.int64)


def hf_config_dict(vocab_size, eos_id):
    """config.json in the layout of the published Qwen2 / Qwen2.5 repos."""
    m = S["model"]
    return {
        "architectures": ["Qwen2ForCausalLM"],
        "model_type": "qwen2",
        "attention_dropout": 0.0,
        "bos_token_id": eos_id,
        "eos_token_id": eos_id,
        "hidden_act": "silu",
        "hidden_size": m["hidden_size"],
        "initializer_range": m["initializer_range"],
        "intermediate_size": m["intermediate_size"],
        "max_position_embeddings": m["max_position_embeddings"],
        "max_window_layers": m["num_hidden_layers"],
        "num_attention_heads": m["num_attention_heads"],
        "num_hidden_layers": m["num_hidden_layers"],
        "num_key_value_heads": m["num_key_value_heads"],
        "head_dim": m["head_dim"],
        "rms_norm_eps": m["rms_norm_eps"],
        "rope_scaling": None,
        "rope_theta": m["rope_theta"],
        "sliding_window": None,
        "use_sliding_window": False,
        "tie_word_embeddings": True,
        "torch_dtype": "float32",
        "use_cache": True,
        "vocab_size": vocab_size,
    }


def build_model(cfg_dict):
    from transformers import Qwen2Config, Qwen2ForCausalLM
    cfg = Qwen2Config(**{k: v for k, v in cfg_dict.items() if k not in ("architectures", "model_type", "torch_dtype")})
    cfg._attn_implementation = "eager"
    return Qwen2ForCausalLM(cfg)


def load_model(name):
    """A demo model from public/demo/models/<name>/ (our own config + safetensors)."""
    import torch
    from safetensors.torch import load_file
    d = os.path.join(MODELS, name)
    model = build_model(json.load(open(os.path.join(d, "config.json"))))
    sd = load_file(os.path.join(d, "model.safetensors"))
    missing, unexpected = model.load_state_dict(sd, strict=False)
    assert not unexpected and set(missing) <= {"lm_head.weight"}, (missing, unexpected)
    model.tie_weights()
    assert model.lm_head.weight.data_ptr() == model.model.embed_tokens.weight.data_ptr()
    model.eval()
    torch.set_grad_enabled(False)
    return model


def model_names():
    return json.load(open(os.path.join(DEMO, "manifest.json")))["models"] if os.path.exists(
        os.path.join(DEMO, "manifest.json")) else []
