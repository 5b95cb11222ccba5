"""Shared by the end-to-end evaluations of `shanyraq run` (orphan_eval.py,
pairing_eval.py, rows_eval.py): the parallel kk/ru/en evaluation sets as
lines and documents, and which paragraph each sentence the segmenter finds
comes from.
"""
import os
import subprocess

LANGS = ("kk", "ru", "en")

SETS = {
    # Files per language, the file of document ids per line (and whether it
    # has a header), how many consecutive documents make one of ours.
    "flores": ("flores200-dev",
               {"kk": "kaz_Cyrl.dev", "ru": "rus_Cyrl.dev", "en": "eng_Latn.dev"},
               "metadata_dev.tsv", True, (2, 4)),
    "ntrex": ("ntrex128",
              {"kk": "NTREX-128/newstest2019-ref.kaz.txt", "ru": "NTREX-128/newstest2019-ref.rus.txt",
               "en": "NTREX-128/newstest2019-src.eng.txt"},
              "DOCUMENT_IDS.tsv", False, (1, 1)),
}


def read_set(data, which):
    """`(lines, articles, group)`: the lines per language, the articles as
    `(start, end)` line ranges, and how many articles a document takes."""
    folder, files, ids_file, header, group = SETS[which]
    d = os.path.join(data, folder)
    read = lambda f: [l.rstrip("\n") for l in open(os.path.join(d, f), encoding="utf-8")]
    lines = {lang: read(f) for lang, f in files.items()}
    ids = [l.split("\t")[0] for l in read(ids_file)[1 if header else 0:]]
    articles, start = [], 0
    for i in range(1, len(ids) + 1):
        if i == len(ids) or ids[i] != ids[i - 1]:
            articles.append((start, i))
            start = i
    return lines, articles, group


def paragraph_owners(binary, path, lang):
    """The paragraph (counted from 0) of each sentence `shanyraq segment`
    finds in `path`."""
    seg = subprocess.run([binary, "segment", "--lang", lang, path],
                         capture_output=True, text=True, check=True).stdout
    owner, par, blank = [], 0, False
    for l in seg.rstrip("\n").split("\n"):
        if l == "":
            blank = True
            continue
        if blank:
            par, blank = par + 1, False
        owner.append(par)
    return owner
