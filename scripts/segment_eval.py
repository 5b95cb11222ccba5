#!/usr/bin/env python3
"""Sentence segmentation accuracy of `shanyraq segment` against the
sentence lines of FLORES-200 dev and NTREX-128 in kk/ru/en, beside pySBD
(all three languages) and razdel (Russian) on the very same text
(BENCHMARKS.md, "Segmentation").

Each article (FLORES, by its metadata) or document (NTREX) becomes one
paragraph: its lines joined by a space, as a press release's paragraph
reads; a line with no final stop (a headline) ends its paragraph. A segmenter then has to find where the lines met. Boundaries are
counted inside paragraphs (a paragraph's end is given), as positions in
the text without white space, so segmenters that trim or keep spaces
compare alike. A line that holds two sentences makes a correct split count
as a false one, for every segmenter alike.

usage: scripts/segment_eval.py [--bin target/release/shanyraq] [--data ../shared/data]
                               [--set flores|ntrex|all] [--show N] [--lang kk|ru|en]
Baselines need `pip install pysbd==0.3.4 razdel==0.5.0` (requirements-eval.txt); a missing one is
left out of the table.
"""
import argparse
import os
import subprocess
import sys
import tempfile

from evaldocs import LANGS, read_set


# How a line that ends a sentence ends (closing quotes and brackets may
# follow the stop).
STOPS = ".!?…"
CLOSERS = "\"'»”’)]"


def ends_sentence(line):
    return line.rstrip(CLOSERS)[-1:] in STOPS


def paragraphs(data, which, lang):
    """The set's paragraphs in `lang`, each a list of its gold sentences: an
    article's lines, where a line with no final stop (a headline, a
    dateline) ends its paragraph, as it stands alone in a published text."""
    lines, articles, _ = read_set(data, which)
    out = []
    for start, end in articles:
        para = []
        for line in lines[lang][start:end]:
            if line.strip():
                para.append(line.strip())
                if not ends_sentence(line.strip()):
                    out.append(para)
                    para = []
        if para:
            out.append(para)
    return out


def ends(sentences):
    """Where each sentence but the last ends, in characters that are not
    white space."""
    out, at = set(), 0
    for s in sentences[:-1]:
        at += sum(1 for c in s if not c.isspace())
        out.add(at)
    return out


def shanyraq(binary, lang, paras):
    with tempfile.NamedTemporaryFile("w", suffix=".txt", encoding="utf-8", delete=False) as f:
        f.write("\n\n".join(" ".join(p) for p in paras) + "\n")
        path = f.name
    try:
        seg = subprocess.run([binary, "segment", "--lang", lang, path],
                             capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(path)
    found = [p.split("\n") for p in seg.strip("\n").split("\n\n")]
    if len(found) != len(paras):
        sys.exit(f"shanyraq gave {len(found)} paragraphs for {len(paras)}")
    return found


def baselines(lang):
    """The baseline segmenters installed, by name: text -> sentences."""
    out = {}
    try:
        import pysbd
        seg = pysbd.Segmenter(language=lang, clean=False)
        out["pySBD 0.3.4"] = seg.segment
    except ImportError:
        print("pysbd not installed: left out", file=sys.stderr)
    if lang == "ru":
        try:
            import razdel
            out["razdel 0.5.0"] = lambda t: [s.text for s in razdel.sentenize(t)]
        except ImportError:
            print("razdel not installed: left out", file=sys.stderr)
    return out


def score(paras, found, show, name):
    tp = fp = fn = exact = total = 0
    shown = 0
    for gold, got in zip(paras, found):
        g, h = ends(gold), ends(got)
        if "".join(gold).replace(" ", "") != "".join(got).replace(" ", ""):
            # Whitespace aside, a segmenter must give the text back.
            g_text = "".join(c for c in "".join(gold) if not c.isspace())
            h_text = "".join(c for c in "".join(got) if not c.isspace())
            if g_text != h_text:
                sys.exit(f"{name} changed the text of: {' '.join(gold)[:80]}")
        tp += len(g & h)
        fp += len(h - g)
        fn += len(g - h)
        total += len(gold)
        exact += len(set(s.strip() for s in gold) & set(s.strip() for s in got))
        if show and shown < show and g != h:
            shown += 1
            print(f"--- gold ({name} splits: {len(got)})")
            for s in gold:
                print("  |", s)
            print("  got:")
            for s in got:
                print("  >", s)
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f, exact / total, fp, fn


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="target/release/shanyraq")
    ap.add_argument("--data", default="../shared/data")
    ap.add_argument("--set", choices=["flores", "ntrex", "all"], default="all")
    ap.add_argument("--lang", choices=LANGS)
    ap.add_argument("--show", type=int, default=0, help="print this many of shanyraq's wrong paragraphs")
    args = ap.parse_args()
    sets = ["flores", "ntrex"] if args.set == "all" else [args.set]
    print("| set | lang | segmenter | boundary P | boundary R | boundary F1 | sentences exact | false splits | missed |")
    print("|---|---|---|---|---|---|---|---|---|")
    for which in sets:
        for lang in [args.lang] if args.lang else LANGS:
            paras = paragraphs(args.data, which, lang)
            runs = {"shanyraq": shanyraq(args.bin, lang, paras)}
            for name, seg in baselines(lang).items():
                runs[name] = [[s.strip() for s in seg(" ".join(p)) if s.strip()] for p in paras]
            for name, found in runs.items():
                show = args.show if name == "shanyraq" else 0
                p, r, f, ex, fp, fn = score(paras, found, show, name)
                print(f"| {which} | {lang} | {name} | {p:.3f} | {r:.3f} | {f:.3f} | {ex:.3f} | {fp} | {fn} |")


if __name__ == "__main__":
    main()
