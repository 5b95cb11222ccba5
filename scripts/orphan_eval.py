#!/usr/bin/env python3
"""End-to-end check of how `shanyraq run` pairs the Russian and English
sentences that a Kazakh version lacks (BENCHMARKS.md, "Passages the Kazakh
version lacks").

Builds trilingual documents from FLORES-200 dev (consecutive articles, each
line its own paragraph so that every sentence can be traced to its line),
then, seeded: in half of the documents the Kazakh version loses a passage of
2-4 lines that Russian and English keep; in a quarter, Russian and English
each get an unrelated line (a random FLORES line, almost always of another
document) at a place where Kazakh has nothing. Runs the binary with --no-fill and counts, over the rows with
a Kazakh gap and both Russian and English text, the pairs whose two cells
come from the same FLORES lines. Also prints where each lost line's Russian
and English sentences went (a row with Kazakh text, a row of their own, a
ru-en row), and how many sentences of lines the Kazakh version has stand in
rows without Kazakh.

usage: scripts/orphan_eval.py [--bin target/release/shanyraq] [--data ../shared/data] [--seed N]
"""
import argparse
import json
import os
import random
import subprocess
import sys
import tempfile

from evaldocs import paragraph_owners, read_set


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="target/release/shanyraq")
    ap.add_argument("--data", default="../shared/data")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    langs, articles, _ = read_set(args.data, "flores")
    rng = random.Random(args.seed)
    docs, k = [], 0
    while k < len(articles):
        take = rng.randint(2, 4)
        group = articles[k:k + take]
        docs.append(list(range(group[0][0], group[-1][1])))
        k += take
    lost, unrelated = 0, 0
    with tempfile.TemporaryDirectory() as tmp:
        truth = {}
        for n, ids in enumerate(docs):
            version = {lang: list(ids) for lang in langs}
            if rng.random() < 0.5 and len(ids) > 8:
                at, size = rng.randint(2, len(ids) - 6), rng.randint(2, 4)
                del version["kk"][at:at + size]
                lost += size
            elif rng.random() < 0.5 and len(ids) > 4:
                # Each of ru and en gets an unrelated line where kk has none.
                at = rng.randint(1, len(ids) - 2)
                far = lambda: -1 - rng.randrange(len(langs["kk"]))
                version["ru"].insert(at, far())
                version["en"].insert(at, far())
                unrelated += 1
            name = f"doc{n:03d}"
            truth[name] = version
            for lang, lines in version.items():
                os.makedirs(os.path.join(tmp, "corpus", lang), exist_ok=True)
                text = "\n\n".join(langs[lang][i if i >= 0 else -1 - i] for i in lines)
                with open(os.path.join(tmp, "corpus", lang, name + ".txt"), "w", encoding="utf-8") as f:
                    f.write(text + "\n")
        out = os.path.join(tmp, "out.jsonl")
        r = subprocess.run([args.bin, "-q", "run", os.path.join(tmp, "corpus"), "-o", out, "--no-fill"])
        if r.returncode != 0:
            sys.exit(f"shanyraq run failed with {r.returncode}")

        # Sentence index -> FLORES line, from the segmenter (a blank line
        # between paragraphs; negative lines are the unrelated insertions).
        line_of = {}
        for name in truth:
            for lang in langs:
                path = os.path.join(tmp, "corpus", lang, name + ".txt")
                owner = [truth[name][lang][p] for p in paragraph_owners(args.bin, path, lang)]
                line_of[(name, lang)] = owner
        rows = [json.loads(l) for l in open(out, encoding="utf-8")]
    lost_lines = {(name, i) for name, v in truth.items() for i in set(v["ru"]) - set(v["kk"]) if i >= 0}
    made = right = 0
    for row in rows:
        if row.get("kk") is not None or row.get("ru") is None or row.get("en") is None:
            continue
        cells = {}
        for lang in ("ru", "en"):
            a, b = row[lang]["sentences"]
            cells[lang] = {line_of[(row["doc"], lang)][s] for s in range(a, b)}
        made += 1
        right += cells["ru"] == cells["en"] and min(cells["ru"]) >= 0
    # Where the lost lines went, per language: a row with Kazakh text
    # (absorbed by the kk-ru or kk-en alignment), a row of their own, or a
    # ru-en row.
    fate = {}
    for row in rows:
        for lang in ("ru", "en"):
            if row.get(lang) is None:
                continue
            a, b = row[lang]["sentences"]
            for s in range(a, b):
                key = (row["doc"], line_of[(row["doc"], lang)][s])
                if key in lost_lines:
                    where = "kk" if row.get("kk") is not None else (
                        "pair" if row.get("ru") is not None and row.get("en") is not None else "alone")
                    fate.setdefault((key, lang), set()).add(where)
    # Sentences of lines the Kazakh version has, standing in rows without
    # Kazakh: a kk-ru or kk-en alignment lost them (or pairing took them).
    stray = 0
    for row in rows:
        if row.get("kk") is not None:
            continue
        for lang in ("ru", "en"):
            if row.get(lang) is not None:
                a, b = row[lang]["sentences"]
                stray += sum(1 for s in range(a, b)
                             if line_of[(row["doc"], lang)][s] in set(truth[row["doc"]]["kk"]))
    counts = {}
    for key in lost_lines:
        both = "/".join("+".join(sorted(fate.get((key, lang), {"missing"}))) for lang in ("ru", "en"))
        counts[both] = counts.get(both, 0) + 1
    print(f"documents {len(docs)}, lines Kazakh lost {lost}, unrelated ru/en insertions {unrelated}")
    print(f"sentences of lines Kazakh has, in rows without Kazakh: {stray}")
    print("lost lines by where their ru/en sentences went: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    print(f"ru-en rows with a Kazakh gap: {made}, right {right} "
          f"(precision {right / max(made, 1):.3f}, {right} of {lost} lost lines paired: {right / max(lost, 1):.3f})")


if __name__ == "__main__":
    main()
