#!/usr/bin/env python3
"""Writes corpora/demo-docx/: the demo corpus as Word documents, made by
python-docx (an independent writer of the format), for tests/run.rs and
tests/segment.rs, which read them and compare with the text files.

Each paragraph of a text file becomes a Word paragraph (the first a
heading, as a press office would style its title); its text is cut into
runs at places inside words, every other run bold, so that reading a
document means joining runs as Word splits them. Zip timestamps and the
document's dates are fixed, so the files are the same on every run.

Usage (needs python-docx, e.g. `pip install python-docx==1.2.0`):

    python3 scripts/make_docx_fixtures.py [--demo corpora/demo] [--out corpora/demo-docx]
"""
import argparse
import datetime
import io
import os
import random
import zipfile

import docx

FIXED = (2026, 3, 6, 0, 0, 0)


def paragraphs(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    return [p.strip() for p in text.split("\n\n") if p.strip()]


def runs(text, rng):
    """`text` cut at one to three places, some inside words."""
    cuts = sorted(rng.sample(range(1, len(text)), min(len(text) - 1, rng.randint(1, 3))))
    pieces, start = [], 0
    for c in cuts + [len(text)]:
        pieces.append(text[start:c])
        start = c
    return pieces


def write_docx(paras, rng):
    d = docx.Document()
    when = datetime.datetime(*FIXED)
    d.core_properties.created = when
    d.core_properties.modified = when
    d.core_properties.author = "shanyraq fixtures"
    for i, text in enumerate(paras):
        p = d.add_heading(level=1) if i == 0 else d.add_paragraph()
        for k, piece in enumerate(runs(text, rng)):
            p.add_run(piece).bold = k % 2 == 1
    raw = io.BytesIO()
    d.save(raw)
    # The same bytes on every run: zip entries with a fixed date.
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--demo", default="corpora/demo")
    ap.add_argument("--out", default="corpora/demo-docx")
    args = ap.parse_args()
    rng = random.Random(1)
    for lang in sorted(os.listdir(args.demo)):
        src = os.path.join(args.demo, lang)
        os.makedirs(os.path.join(args.out, lang), exist_ok=True)
        for name in sorted(os.listdir(src)):
            stem, ext = os.path.splitext(name)
            if ext != ".txt":
                continue
            data = write_docx(paragraphs(os.path.join(src, name)), rng)
            with open(os.path.join(args.out, lang, stem + ".docx"), "wb") as f:
                f.write(data)
            print(os.path.join(args.out, lang, stem + ".docx"), len(data), "bytes")


if __name__ == "__main__":
    main()
