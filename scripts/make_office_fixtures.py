#!/usr/bin/env python3
"""Writes corpora/demo-docx/ and corpora/demo-odt/: the demo corpus as Word
documents made by python-docx and as OpenDocument texts made by odfpy (two
independent writers of the formats), and corpora/demo-doc/ and demo-rtf/: the
Word files saved as Word 97–2003 and as RTF by LibreOffice (`soffice
--headless --convert-to doc|rtf`; the .doc files are the same bytes on every
run with LibreOffice 7.4.7, the RTF files carry the time they were written),
for tests/run.rs and tests/segment.rs, which read them and compare with the
text files.

With LibreOffice it also saves corpora/office-features/features.fodt (a
hand-written flat OpenDocument text with a footnote, a comment, a list, a
table, a line break and a run of spaces) as .odt, .docx, .doc and .rtf, which
tests/segment.rs reads to the same sentences (LibreOffice dates the zip
entries of the .odt and .docx, so those differ in bytes from run to run),
and corpora/office-features/textbox.fodt (a text box) as .doc.

Each paragraph of a text file becomes a paragraph (the first a heading, as a
press office would style its title); its text is cut into runs (spans) at
places inside words, every other one bold, so that reading a document means
joining runs as the office suite splits them. Zip timestamps and the
documents' dates are fixed, so the files are the same on every run.

Usage (needs python-docx and odfpy, e.g. `pip install python-docx==1.2.0
odfpy==1.4.1`, and LibreOffice for the .doc files, e.g. `apt-get install
libreoffice-writer-nogui`; without it those are skipped):

    python3 scripts/make_office_fixtures.py [--demo corpora/demo] [--out corpora]
"""
import argparse
import datetime
import io
import os
import random
import shutil
import subprocess
import zipfile

import docx
from odf import teletype
from odf.opendocument import OpenDocumentText
from odf.style import Style, TextProperties
from odf.text import H, P, Span

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
    return fixed_dates(raw)


def write_odt(paras, rng):
    d = OpenDocumentText()
    bold = Style(name="Bold", family="text")
    bold.addElement(TextProperties(fontweight="bold"))
    d.automaticstyles.addElement(bold)
    for i, text in enumerate(paras):
        p = H(outlinelevel=1) if i == 0 else P()
        for k, piece in enumerate(runs(text, rng)):
            span = Span(stylename=bold) if k % 2 == 1 else Span()
            # Runs of spaces, tabs and breaks as ODF writes them.
            teletype.addTextToElement(span, piece)
            p.addElement(span)
        d.text.addElement(p)
    raw = io.BytesIO()
    d.write(raw)
    return fixed_dates(raw)


def fixed_dates(raw):
    """The zip archive `raw` with every entry dated FIXED: the same bytes
    on every run. ODF's `mimetype` stays first and uncompressed."""
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED)
            stored = info.filename == "mimetype"
            fixed.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--demo", default="corpora/demo")
    ap.add_argument("--out", default="corpora")
    args = ap.parse_args()
    for kind, write in [("docx", write_docx), ("odt", write_odt)]:
        rng = random.Random(1)
        for lang in sorted(os.listdir(args.demo)):
            src = os.path.join(args.demo, lang)
            out_dir = os.path.join(args.out, "demo-" + kind, lang)
            os.makedirs(out_dir, exist_ok=True)
            for name in sorted(os.listdir(src)):
                stem, ext = os.path.splitext(name)
                if ext != ".txt":
                    continue
                data = write(paragraphs(os.path.join(src, name)), rng)
                path = os.path.join(out_dir, stem + "." + kind)
                with open(path, "wb") as f:
                    f.write(data)
                print(path, len(data), "bytes")
    soffice = shutil.which("soffice")
    if soffice is None:
        print("no soffice: corpora/demo-doc left as it is")
        return
    for kind in ["doc", "rtf"]:
        for lang in sorted(os.listdir(os.path.join(args.out, "demo-docx"))):
            src = os.path.join(args.out, "demo-docx", lang)
            out_dir = os.path.join(args.out, "demo-" + kind, lang)
            os.makedirs(out_dir, exist_ok=True)
            files = sorted(os.path.join(src, f) for f in os.listdir(src) if f.endswith(".docx"))
            subprocess.run([soffice, "--headless", "--convert-to", kind, "--outdir", out_dir, *files],
                           check=True, capture_output=True)
            print(out_dir, len(files), "files")
    features = os.path.join(args.out, "office-features")
    for kind in ["odt", "docx", "doc", "rtf"]:
        subprocess.run([soffice, "--headless", "--convert-to", kind, "--outdir", features,
                        os.path.join(features, "features.fodt")], check=True, capture_output=True)
    print(features, "features.{odt,docx,doc}")
    # A text box anchored in the second paragraph, saved as Word 97–2003.
    subprocess.run([soffice, "--headless", "--convert-to", "doc", "--outdir", features,
                    os.path.join(features, "textbox.fodt")], check=True, capture_output=True)
    print(features, "textbox.doc")


if __name__ == "__main__":
    main()
