"""Trains the demo's shared byte-level BPE tokenizer (GPT-2 / Qwen2 style: ByteLevel
pre-tokenizer with the GPT-2 split regex, no prefix space, ByteLevel decoder) on the train splits
of the training domains only, and writes it as an HF tokenizer.json to public/demo/tokenizer.json.
Special token: <|endoftext|> (id 0), used as document separator / EOS.
Usage: python scripts/demo/train_tokenizer.py
"""
import json
import os

from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
S = json.load(open(os.path.join(ROOT, "scripts", "demo", "settings.json")))
CORPORA = os.path.join(ROOT, "public", "demo", "corpora")


def docs(domain, split):
    with open(os.path.join(CORPORA, f"{domain}.{split}.jsonl"), encoding="utf-8") as f:
        return [json.loads(line)["text"] for line in f]


def main():
    T = S["tokenizer"]
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    tok.decoder = decoders.ByteLevel()
    tok.post_processor = processors.ByteLevel(trim_offsets=False)
    trainer = trainers.BpeTrainer(
        vocab_size=T["vocab_size"], min_frequency=T["min_frequency"], special_tokens=T["special_tokens"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    texts = []
    for d in S["corpora"]["train_domains"]:  # fixed order: the result is deterministic
        texts += docs(d, "train")
    tok.train_from_iterator(texts, trainer=trainer, length=len(texts))
    assert tok.get_vocab_size() == T["vocab_size"], tok.get_vocab_size()
    out = os.path.join(ROOT, "public", "demo", "tokenizer.json")
    tok.save(out, pretty=False)
    print(f"tokenizer: vocab {tok.get_vocab_size()}, {os.path.getsize(out)} bytes -> public/demo/tokenizer.json")


if __name__ == "__main__":
    main()
