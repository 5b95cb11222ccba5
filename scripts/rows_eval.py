#!/usr/bin/env python3
"""Row-level accuracy of `shanyraq run` on trilingual documents
(BENCHMARKS.md, "Rows").

The alignment benches score kk-ru and kk-en beads one pair at a time; what a
user gets is rows, built from both. This builds kk/ru/en documents from
FLORES-200 dev or NTREX-128 (the same lines in three languages), edits each
language on its own, seeded: a line merged with the next into one sentence
(its final stop turned into a semicolon), a line dropped, a line of another
document inserted, and with --recuts two lines re-cut into two other
sentences (a 2-2 bead). The gold rows follow from the lines: lines merged in any
language form one row; a line a language dropped is a gap there; an
inserted line is a row of its own. Runs `shanyraq run --no-fill` and counts
the rows whose three cells are exactly a gold row's.

usage: scripts/rows_eval.py [--bin target/release/shanyraq] [--data ../shared/data]
                            [--set flores|ntrex] [--seed N] [--show N]
"""
import argparse
import json
import os
import random
import subprocess
import sys
import tempfile

from evaldocs import LANGS, paragraph_owners, read_set


def one_sentence_lines(binary, lines):
    """Whether each line is one sentence in every language, as the
    segmenter cuts it: the gold knows lines, not the sentences inside one."""
    ok = [True] * len(lines["kk"])
    with tempfile.TemporaryDirectory() as tmp:
        for lang in LANGS:
            path = os.path.join(tmp, lang + ".txt")
            with open(path, "w", encoding="utf-8") as f:
                f.write("\n\n".join(lines[lang]) + "\n")
            seg = subprocess.run([binary, "segment", "--lang", lang, path],
                                 capture_output=True, text=True, check=True).stdout
            for i, par in enumerate(seg.rstrip("\n").split("\n\n")):
                ok[i] = ok[i] and len(par.split("\n")) == 1
    return ok


def edit(ids, rng, pool, lines, recuts):
    """One language's paragraphs, each `(line ids, text)`: a line, two lines
    merged into one sentence, a line of another document (a negative id),
    or, with `recuts`, one of two sentences re-cut from two lines (`A B1.`
    and `B2.`, a 2-2 bead with the other languages)."""
    out, i = [], 0
    while i < len(ids):
        if rng.random() < 0.03:
            far = rng.choice(pool)
            out.append(([-1 - far], lines[far].strip()))
        r = rng.random()
        if r < 0.04:
            i += 1
            continue
        if r < 0.10 and i + 1 < len(ids):
            # The first line's stop becomes a semicolon, so that no
            # segmenter splits the two again.
            a, b = lines[ids[i]].strip(), lines[ids[i + 1]].strip()
            out.append(([ids[i], ids[i + 1]], a.rstrip(".!?") + "; " + b))
            i += 2
            continue
        words = lines[ids[i + 1]].split() if i + 1 < len(ids) else []
        if r < 0.10 + recuts and len(words) >= 6:
            a, k = lines[ids[i]].strip(), len(words) // 3
            head = " ".join(words[:k]).rstrip(",;:")
            tail = " ".join(words[k:])
            pair = [ids[i], ids[i + 1]]
            out.append((pair, a.rstrip(".!?") + ", " + head + "."))
            out.append((pair, tail[0].upper() + tail[1:]))
            i += 2
            continue
        out.append(([ids[i]], lines[ids[i]].strip()))
        i += 1
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="target/release/shanyraq")
    ap.add_argument("--data", default="../shared/data")
    ap.add_argument("--set", choices=["flores", "ntrex"], default="flores")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--show", type=int, default=0, help="print this many wrong rows")
    ap.add_argument("--recuts", type=float, default=0.0,
                    help="chance per line of a re-cut pair of sentences (Text+Berg dev has a 2-2 bead in 4%%)")
    args = ap.parse_args()
    lines, articles, group = read_set(args.data, args.set)
    single = one_sentence_lines(args.bin, lines)
    rng = random.Random(args.seed)
    docs, k = [], 0
    while k < len(articles):
        take = rng.randint(*group)
        span = articles[k:k + take]
        docs.append([i for i in range(span[0][0], span[-1][1]) if single[i]])
        k += take
    pool = [i for i, ok in enumerate(single) if ok]
    with tempfile.TemporaryDirectory() as tmp:
        versions = {}
        for n, ids in enumerate(docs):
            name = f"doc{n:03d}"
            versions[name] = {lang: edit(ids, rng, pool, lines[lang], args.recuts) for lang in LANGS}
            for lang in LANGS:
                os.makedirs(os.path.join(tmp, lang), exist_ok=True)
                with open(os.path.join(tmp, lang, name + ".txt"), "w", encoding="utf-8") as f:
                    f.write("\n\n".join(text for _, text in versions[name][lang]) + "\n")
        out = os.path.join(tmp, "out.jsonl")
        r = subprocess.run([args.bin, "-q", "run", tmp, "-o", out, "--no-fill"])
        if r.returncode != 0:
            sys.exit(f"shanyraq run failed with {r.returncode}")
        # Sentence index -> its paragraph, from the segmenter.
        par_of = {}
        for name in versions:
            for lang in LANGS:
                owner = paragraph_owners(args.bin, os.path.join(tmp, lang, name + ".txt"), lang)
                par_of[(name, lang)] = owner
        rows = [json.loads(l) for l in open(out, encoding="utf-8")]

    # Gold rows: lines joined when a language merged them; inserted lines
    # alone (per language, as their ids are random).
    gold = {}
    for name, v in versions.items():
        parent = {}

        def find(x):
            while parent.setdefault(x, x) != x:
                x = parent[x]
            return x

        for lang in LANGS:
            for p, (par, _) in enumerate(v[lang]):
                key = [(lang, p, i) if i < 0 else i for i in par]
                for a in key[1:]:
                    parent[find(a)] = find(key[0])
                find(key[0])
        cells = {}
        for lang in LANGS:
            for s, p in enumerate(par_of[(name, lang)]):
                i = v[lang][p][0][0]
                root = find((lang, p, i) if i < 0 else i)
                cells.setdefault(root, {l: set() for l in LANGS})[lang].add(s)
        gold[name] = {tuple(frozenset(c[l]) for l in LANGS) for c in cells.values()}

    made = right = 0
    wrong = []
    kinds = {}
    for row in rows:
        cell = tuple(frozenset(range(*row[l]["sentences"])) if row.get(l) is not None else frozenset()
                     for l in LANGS)
        made += 1
        if cell in gold[row["doc"]]:
            right += 1
            continue
        # How it is wrong: the union of several gold rows, part of one, or
        # across gold rows.
        touched = [g for g in gold[row["doc"]] if any(g[i] & cell[i] for i in range(3))]
        if all(all(g[i] <= cell[i] for i in range(3)) for g in touched):
            kind = "several gold rows merged"
        elif len(touched) == 1:
            kind = "part of a gold row"
        else:
            kind = "across gold rows"
        shape = "".join(l[0] if cell[i] else "-" for i, l in enumerate(LANGS))
        kinds[(kind, shape)] = kinds.get((kind, shape), 0) + 1
        if len(wrong) < args.show:
            wrong.append(row)
    n_gold = sum(len(g) for g in gold.values())
    full = sum(1 for g in gold.values() for c in g if all(c))
    print(f"{args.set} seed {args.seed}: documents {len(docs)}, gold rows {n_gold} ({full} with all three languages)")
    p, r = right / max(made, 1), right / max(n_gold, 1)
    print(f"rows made {made}, right {right}: precision {p:.4f}, recall {r:.4f}, F1 {2 * p * r / max(p + r, 1e-9):.4f}")
    for (kind, shape), n in sorted(kinds.items(), key=lambda x: -x[1]):
        print(f"  wrong rows, {kind}, cells {shape}: {n}")
    for row in wrong:
        print(json.dumps({l: row.get(l) and (row[l]["sentences"], row[l]["text"][:60]) for l in LANGS} | {"doc": row["doc"]},
                         ensure_ascii=False))


if __name__ == "__main__":
    main()
