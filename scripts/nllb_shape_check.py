#!/usr/bin/env python3
"""Writes DIR/expected.json for an NLLB-200-distilled-600M-shaped random model
made by ../shared/tools/mtbench/make_model.py (d_model 1024, 12+12 layers,
vocabulary 256,206): what transformers computes for four sentences
(eng_Latn source, fra_Latn forced first), teacher-forced log-probabilities
(full rows of the first sentence) and greedy and beam-4 generation, in the
layout of scripts/make_model_fixtures.py. The ignored test
`nllb_600m_shape_matches_transformers` in models/tests/parity.rs compares
shanyraq-models against it, at the real model's size:

    PY=/tmp/hfvenv/bin/python    # torch + transformers 5.24, see make_model_fixtures.py
    $PY ../shared/tools/mtbench/make_model.py --arch nllb-600m --out /tmp/mtbench-models/nllb-600m --seed 0
    $PY scripts/nllb_shape_check.py /tmp/mtbench-models/nllb-600m
    SHANYRAQ_NLLB_SHAPE=/tmp/mtbench-models/nllb-600m \\
        cargo test --release -p shanyraq-models --test parity -- --ignored nllb_600m
"""
import json
import os
import sys

import torch
from tokenizers import Tokenizer
from transformers import AutoModelForSeq2SeqLM

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_model_fixtures import record  # noqa: E402


def main():
    d = sys.argv[1]
    torch.set_num_threads(2)
    tok = Tokenizer.from_file(os.path.join(d, "tokenizer.json"))
    eng, fra, eos, pad = tok.token_to_id("eng_Latn"), tok.token_to_id("fra_Latn"), 2, 1
    model = AutoModelForSeq2SeqLM.from_pretrained(d, dtype=torch.float32).eval()
    texts = ["t17 t523 t9 t1000 t42", "t5 t6 t7", "t31999 t12 t300 t4000 t5 t77 t8 t9 t10", "t1"]
    sources = [[eng] + tok.encode(t, add_special_tokens=False).ids + [eos] for t in texts]
    g = torch.Generator().manual_seed(20261128)
    targets = [[fra] + torch.randint(4, 256000, (n,), generator=g).tolist() + [eos] for n in (6, 3, 9, 1)]
    base = dict(max_length=16, min_length=0, length_penalty=1.0, early_stopping=False,
                forced_eos_token_id=eos, forced_bos_token_id=fra)
    settings = [dict(name="greedy", num_beams=1, **base), dict(name="beam4", num_beams=4, **base)]
    rec = record(model, sources, targets, eos, pad, settings)
    rec["texts"] = texts
    json.dump(rec, open(os.path.join(d, "expected.json"), "w"))
    for e in rec["generate"]:
        print(e["settings"]["name"], [r["tokens"][:6] for r in e["results"]["batch1"]])


if __name__ == "__main__":
    main()
