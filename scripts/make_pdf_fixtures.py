#!/usr/bin/env python3
"""Writes the PDF fixtures, with LibreOffice (`soffice --headless --convert-to
pdf`; 7.4.7 here):

- corpora/demo-pdf/{kk,ru,en}/: the Word demo (corpora/demo-docx, from
  scripts/make_office_fixtures.py; Word's default style spaces paragraphs
  apart) printed to PDF, which tests/run.rs reads to the demo's rows;
- corpora/office-features/features.pdf: features.fodt printed to PDF (a
  footnote, a list, a table, a line break), which tests/segment.rs reads to
  the same sentences as the other four formats;
- corpora/pdf-layout/report.ru.{fodt,pdf,expected}: the Russian demo documents
  typeset as one A5 report the way a ministry prints one, and the text a
  reader should get from it. The page has a running header and a footer
  with page numbers; the body is justified with a first-line indent and no
  space between paragraphs (so only the indent and the short last line mark
  a paragraph's end); long words carry soft hyphens, so that lines end in
  hyphenated words; the titles are centred, one wraps over two lines; a
  footnote, a wrapped bulleted list item and a two-column passage whose
  paragraphs flow from one column into the next.

LibreOffice writes the time into each PDF, so the files differ in bytes from
run to run; the text they show does not.

Usage: python3 scripts/make_pdf_fixtures.py [--corpora corpora]
"""
import argparse
import os
import re
import shutil
import subprocess
import tempfile
from xml.sax.saxutils import escape

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
 <office:font-face-decls>
  <style:font-face style:name="DejaVu Serif" svg:font-family="'DejaVu Serif'"
   xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"/>
 </office:font-face-decls>
 <office:styles>
  <style:default-style style:family="paragraph">
   <style:paragraph-properties fo:margin-top="0cm" fo:margin-bottom="0cm"/>
   <style:text-properties style:font-name="DejaVu Serif" fo:font-size="10pt"/>
  </style:default-style>
  <style:style style:name="Body" style:family="paragraph">
   <style:paragraph-properties fo:text-align="justify" fo:text-indent="1cm"
    fo:margin-top="0cm" fo:margin-bottom="0cm"/>
  </style:style>
  <style:style style:name="Title" style:family="paragraph">
   <style:paragraph-properties fo:text-align="center" fo:margin-top="0.5cm"
    fo:margin-bottom="0.3cm" fo:margin-left="1.5cm" fo:margin-right="1.5cm"/>
   <style:text-properties fo:font-size="12pt" fo:font-weight="bold"/>
  </style:style>
  <style:style style:name="Running" style:family="paragraph">
   <style:paragraph-properties fo:text-align="center"/>
   <style:text-properties fo:font-size="8pt"/>
  </style:style>
  <style:style style:name="Item" style:family="paragraph">
   <style:paragraph-properties fo:text-align="justify"/>
  </style:style>
  <style:style style:name="Footnote" style:family="paragraph">
   <style:text-properties fo:font-size="8pt"/>
  </style:style>
 </office:styles>
 <office:automatic-styles>
  <style:page-layout style:name="A5">
   <style:page-layout-properties fo:page-width="14.8cm" fo:page-height="21cm"
    fo:margin-top="1cm" fo:margin-bottom="1cm" fo:margin-left="1.8cm" fo:margin-right="1.5cm"/>
   <style:header-style><style:header-footer-properties fo:min-height="0.6cm" fo:margin-bottom="0.4cm"/></style:header-style>
   <style:footer-style><style:header-footer-properties fo:min-height="0.6cm" fo:margin-top="0.4cm"/></style:footer-style>
  </style:page-layout>
  <style:style style:name="Columns" style:family="section">
   <style:section-properties><style:columns fo:column-count="2" fo:column-gap="0.6cm"/></style:section-properties>
  </style:style>
 </office:automatic-styles>
 <office:master-styles>
  <style:master-page style:name="Standard" style:page-layout-name="A5">
   <style:header><text:p text:style-name="Running">Министерство иностранных дел Республики Казахстан · пресс-релизы</text:p></style:header>
   <style:footer><text:p text:style-name="Running">Страница <text:page-number text:select-page="current"/> из <text:page-count/></text:p></style:footer>
  </style:master-page>
 </office:master-styles>
 <office:body>
  <office:text>
"""

TAIL = """  </office:text>
 </office:body>
</office:document>
"""

NOTE = ("Сведения приводятся по данным оперативных штабов на 15 марта 2026 года.")
ITEM = ("Жителям опасных районов рекомендуется заранее подготовить документы, "
        "запас питьевой воды и лекарств, а также уточнить порядок эвакуации в акимате.")


def paragraphs(path):
    with open(path, encoding="utf-8") as f:
        return [p.strip() for p in f.read().split("\n\n") if p.strip()]


def soft_hyphens(text):
    """A soft hyphen in the middle of every word of eleven letters or more,
    so that justified lines end in hyphenated words."""
    def split(m):
        w = m.group(0)
        return w[: len(w) // 2] + "\u00ad" + w[len(w) // 2:]
    return re.sub(r"\w{11,}", split, text)


def para(style, text):
    return f'   <text:p text:style-name="{style}">{escape(soft_hyphens(text))}</text:p>\n'


def report(demo):
    """The layout report's flat OpenDocument text and the text it shows."""
    ids = sorted(f[:-4] for f in os.listdir(os.path.join(demo, "ru")) if f.endswith(".txt"))
    docs = [paragraphs(os.path.join(demo, "ru", f"{i}.txt")) for i in ids]
    body, want = [], []
    for k, (title, *rest) in enumerate(docs):
        body.append(para("Title", title))
        want.append(title)
        if k == 2:
            # The last document in two columns: its paragraphs flow from the
            # first column into the second.
            body.append('   <text:section text:name="Cols" text:style-name="Columns">\n')
        for n, p in enumerate(rest):
            if k == 1 and n == 0:
                first, dot, after = p.partition(". ")
                note = (f'<text:note text:id="n1" text:note-class="footnote">'
                        f'<text:note-citation>1</text:note-citation><text:note-body>'
                        f'<text:p text:style-name="Footnote">{escape(NOTE)}</text:p>'
                        f'</text:note-body></text:note>')
                text = escape(soft_hyphens(first + ".")) + note + " " + escape(soft_hyphens(after))
                body.append(f'   <text:p text:style-name="Body">{text}</text:p>\n')
                want.append(p)
                continue
            body.append(para("Body", p))
            want.append(p)
            if k == 1 and n == 1:
                body.append("   <text:list><text:list-item>"
                            f'<text:p text:style-name="Item">{escape(soft_hyphens(ITEM))}</text:p>'
                            "</text:list-item></text:list>\n")
                want.append(ITEM)
        if k == 2:
            body.append("   </text:section>\n")
    want.append(NOTE)
    return HEAD + "".join(body) + TAIL, "\n\n".join(want) + "\n"


def to_pdf(soffice, src, outdir):
    subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", outdir, src],
                   check=True, capture_output=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpora", default="corpora")
    args = ap.parse_args()
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        raise SystemExit("needs LibreOffice (soffice), e.g. apt-get install libreoffice-writer-nogui")
    for lang in ("kk", "ru", "en"):
        src = os.path.join(args.corpora, "demo-docx", lang)
        out = os.path.join(args.corpora, "demo-pdf", lang)
        os.makedirs(out, exist_ok=True)
        for name in sorted(os.listdir(src)):
            to_pdf(soffice, os.path.join(src, name), out)
            print(os.path.join(out, name[:-5] + ".pdf"))
    features = os.path.join(args.corpora, "office-features")
    to_pdf(soffice, os.path.join(features, "features.fodt"), features)
    print(os.path.join(features, "features.pdf"))
    layout = os.path.join(args.corpora, "pdf-layout")
    os.makedirs(layout, exist_ok=True)
    fodt, want = report(os.path.join(args.corpora, "demo"))
    with open(os.path.join(layout, "report.ru.fodt"), "w", encoding="utf-8") as f:
        f.write(fodt)
    with open(os.path.join(layout, "report.ru.expected"), "w", encoding="utf-8") as f:
        f.write(want)
    with tempfile.TemporaryDirectory() as tmp:
        to_pdf(soffice, os.path.join(layout, "report.ru.fodt"), tmp)
        shutil.move(os.path.join(tmp, "report.ru.pdf"), os.path.join(layout, "report.ru.pdf"))
    print(os.path.join(layout, "report.ru.pdf"))


if __name__ == "__main__":
    main()
