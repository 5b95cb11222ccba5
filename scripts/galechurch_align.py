#!/usr/bin/env python3
"""Reference baseline for benches/align_eval.rs: aligns every case with the
PyPI `galechurch` package (the classic Gale-Church program's defaults).

Usage: galechurch_align.py CASES.json BEADS.json
CASES.json: [{"src": [sentences], "tgt": [sentences]}, ...]
BEADS.json: [[[src_start, src_end, tgt_start, tgt_end], ...], ...] and the
alignment time in seconds under "seconds".
"""
import json
import sys
import time

import galechurch


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as f:
        cases = json.load(f)
    start = time.perf_counter()
    out = []
    for case in cases:
        block = galechurch.align(case["src"], case["tgt"], max_block_size=10**9)
        out.append([[b.source_start, b.source_end, b.target_start, b.target_end] for b in block.beads])
    seconds = time.perf_counter() - start
    with open(sys.argv[2], "w", encoding="utf-8") as f:
        json.dump({"beads": out, "seconds": seconds}, f)


if __name__ == "__main__":
    main()
