#!/usr/bin/env python3
"""Writes models/tests/fixtures/marian-tiny-pth/pytorch_model.bin: the tiny
Marian fixture's weights saved with torch.save (the zip format transformers
writes for `save_pretrained(safe_serialization=False)`), so that the test of
the pytorch_model.bin fallback reads a file torch itself wrote.

Also models/tests/fixtures/m2m100-tiny-pth/pytorch_model.bin: the tiny
M2M100 fixture's weights as transformers saves a tied checkpoint such as
facebook/nllb-200-distilled-600M's, one storage under four names
(`model.shared.weight`, both `embed_tokens.weight` and `lm_head.weight`),
for the test that such a table is loaded once.

Needs torch and safetensors (e.g. the venv of
../shared/tools/mtbench/setup_venv.sh --with-hf):

    /tmp/mtbench-venv/bin/python scripts/make_pth_fixture.py
"""
import os

import torch
from safetensors.torch import load_file

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "models", "tests", "fixtures")


def main():
    state = load_file(os.path.join(FIXTURES, "marian-tiny", "model.safetensors"))
    out_dir = os.path.join(FIXTURES, "marian-tiny-pth")
    os.makedirs(out_dir, exist_ok=True)
    # Contiguous clones: torch.save keeps shared storages shared.
    state = {k: v.clone().contiguous() for k, v in state.items()}
    torch.save(state, os.path.join(out_dir, "pytorch_model.bin"))
    print(f"{len(state)} tensors -> {out_dir}/pytorch_model.bin")

    state = load_file(os.path.join(FIXTURES, "m2m100-tiny", "model.safetensors"))
    state = {k: v.clone().contiguous() for k, v in state.items()}
    table = state["model.shared.weight"]
    for name in ["model.encoder.embed_tokens.weight", "model.decoder.embed_tokens.weight", "lm_head.weight"]:
        state[name] = table
    out_dir = os.path.join(FIXTURES, "m2m100-tiny-pth")
    os.makedirs(out_dir, exist_ok=True)
    torch.save(state, os.path.join(out_dir, "pytorch_model.bin"))
    print(f"{len(state)} names, the table's shared by 4 -> {out_dir}/pytorch_model.bin")


if __name__ == "__main__":
    main()
