#!/usr/bin/env python3
"""Writes a tiny random sentence-transformers model in LaBSE's shape,
`Transformer → Pooling(cls) → Dense(tanh) → Normalize`, under
models/tests/fixtures/st-tiny, with `expected.json`: the token ids and
sentence embeddings sentence-transformers computes for fixed sentences,
which models/tests/encoder.rs compares against.

The BERT underneath keeps its own (random) pooler, as a saved BertModel
does, so an encoder that used `pooler.dense` instead of the Dense module
would not match. The vocabulary is a small WordPiece one over Latin,
Cyrillic and Kazakh letters, punctuation and digits.

    /tmp/hfvenv/bin/pip install torch transformers sentence-transformers
    /tmp/hfvenv/bin/python scripts/make_st_fixture.py --out models/tests/fixtures/st-tiny
"""
import argparse
import json
import os
import shutil
import tempfile

import torch
from sentence_transformers import SentenceTransformer, models
from transformers import BertConfig, BertModel, BertTokenizerFast

SEED = 20261127
LATIN = "abcdefghijklmnopqrstuvwxyz"
CYRILLIC = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяәғқңөұүһі"
SENTENCES = [
    "Сәлем, әлем!",
    "Привет, мир.",
    "Hello world.",
    "Қазақстан «Елорда» 2026 жылы.",
    "a",
]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    out = parser.parse_args().out
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    for letters in (LATIN, CYRILLIC, "0123456789"):
        vocab += list(letters) + ["##" + c for c in letters]
    vocab += list(".,!?«»:;-")
    tok = BertTokenizerFast(
        vocab={w: i for i, w in enumerate(vocab)}, do_lower_case=True, strip_accents=False
    )
    cfg = BertConfig(
        vocab_size=len(vocab),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=4,
        intermediate_size=64,
        max_position_embeddings=64,
        hidden_act="gelu",
    )
    torch.manual_seed(SEED)
    bert = BertModel(cfg)
    with torch.no_grad():
        # Larger than the default init, so that layers change the states.
        for name, p in sorted(bert.named_parameters()):
            if "LayerNorm" not in name:
                p.copy_(0.2 * torch.randn(p.shape))
    with tempfile.TemporaryDirectory() as tmp:
        bert.save_pretrained(tmp)
        tok.save_pretrained(tmp)
        transformer = models.Transformer(tmp, max_seq_length=64)
        pooling = models.Pooling(32, pooling_mode="cls")
        dense = models.Dense(32, 16, activation_function=torch.nn.Tanh())
        with torch.no_grad():
            dense.linear.weight.copy_(0.3 * torch.randn(dense.linear.weight.shape))
            dense.linear.bias.copy_(0.1 * torch.randn(dense.linear.bias.shape))
        model = SentenceTransformer(modules=[transformer, pooling, dense, models.Normalize()])
        model.eval()
        if os.path.exists(out):
            shutil.rmtree(out)
        model.save(out, safe_serialization=True)
    ids = [tok(s).input_ids for s in SENTENCES]
    embeddings = model.encode(SENTENCES, convert_to_numpy=True, batch_size=2)
    with open(os.path.join(out, "expected.json"), "w") as f:
        json.dump(
            {
                "sentences": SENTENCES,
                "ids": ids,
                "embeddings": [[float(x) for x in e] for e in embeddings],
            },
            f,
            indent=1,
            ensure_ascii=False,
        )


if __name__ == "__main__":
    main()
