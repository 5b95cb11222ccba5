#!/usr/bin/env python3
"""How well `shanyraq run` tells a right document pairing from a wrong one
(BENCHMARKS.md, "Versions of another document").

Builds documents from FLORES-200 dev (2-4 consecutive articles each) or
NTREX-128 (one news story each), paragraphs of 1-3 lines, and gives each,
seeded, one of:
- right: its own Russian and English versions, a twentieth of their lines
  dropped;
- lacking: its own versions, lacking a third to a half of the document (an
  incomplete version, still the same text);
- wrong: the Russian and English versions of another document (files named
  after the wrong document, the mistake the check is for).
Runs `shanyraq run --no-fill` with debug logging and prints, per kind and
pair: the share of Kazakh sentences in beads scoring 0.5 or more (why bead
scores cannot tell), the pairing check's share of the shorter version's
sentences in one-to-one beads sharing evidence, how many pairings a grid of
thresholds would doubt, and how many documents the run warned about.

usage: scripts/pairing_eval.py [--bin target/release/shanyraq] [--data ../shared/data] [--set flores|ntrex] [--seed N]
"""
import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile

from evaldocs import read_set


def paragraphs(lines, rng):
    out, i = [], 0
    while i < len(lines):
        k = rng.randint(1, 3)
        out.append(" ".join(lines[i:i + k]))
        i += k
    return "\n\n".join(out) + "\n"


def edited(ids, rng):
    """Line ids with some lines dropped (merges happen through paragraphs)."""
    return [i for i in ids if rng.random() >= 0.05]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="target/release/shanyraq")
    ap.add_argument("--data", default="../shared/data")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--set", choices=["flores", "ntrex"], default="flores")
    args = ap.parse_args()
    langs, articles, group = read_set(args.data, args.set)
    rng = random.Random(args.seed)
    docs, k = [], 0
    while k < len(articles):
        # (A draw only where there is a choice, as the published figures had.)
        take = rng.randint(*group) if group[0] != group[1] else group[0]
        span = articles[k:k + take]
        docs.append(list(range(span[0][0], span[-1][1])))
        k += take
    kinds = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n, ids in enumerate(docs):
            kind = rng.choice(["right", "lacking", "wrong"])
            other = ids
            if kind == "wrong":
                m = (n + 1 + rng.randrange(len(docs) - 1)) % len(docs)
                other = docs[m]
            elif kind == "lacking":
                cut = int(len(ids) * rng.uniform(0.33, 0.5))
                at = rng.randint(0, len(ids) - cut)
                other = ids[:at] + ids[at + cut:]
            name = f"doc{n:03d}"
            kinds[name] = kind
            for lang, lines in (("kk", ids), ("ru", edited(other, rng)), ("en", edited(other, rng))):
                os.makedirs(os.path.join(tmp, "corpus", lang), exist_ok=True)
                with open(os.path.join(tmp, "corpus", lang, name + ".txt"), "w", encoding="utf-8") as f:
                    f.write(paragraphs([langs[lang][i] for i in lines], rng))
        out = os.path.join(tmp, "out.jsonl")
        env = dict(os.environ, SHANYRAQ_LOG="shanyraq=debug")
        r = subprocess.run([args.bin, "run", os.path.join(tmp, "corpus"), "-o", out, "--no-fill"],
                           env=env, capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit(f"shanyraq run failed with {r.returncode}: {r.stderr[-2000:]}")
        checks = {}
        for m in re.finditer(r"pairing check (\S+) (\S+): (\d+) of (\d+) sentences", r.stderr):
            checks[(m.group(1), m.group(2))] = (int(m.group(3)), int(m.group(4)))
        warned = set(re.findall(r"versions of document `([^`]+)`", r.stderr))
        rows = [json.loads(l) for l in open(out, encoding="utf-8")]
    share = {}
    for pair in ("kk-ru", "kk-en"):
        kk, sure = {}, {}
        for row in rows:
            if row.get("kk") is None:
                continue
            a, b = row["kk"]["sentences"]
            kk[row["doc"]] = kk.get(row["doc"], 0) + (b - a)
            ok = any(bd["pair"] == pair and bd["score"] >= 0.5 and not bd["shape"].endswith("-0")
                     for bd in row.get("beads", []))
            sure[row["doc"]] = sure.get(row["doc"], 0) + (b - a) * ok
        for doc in kk:
            share[(doc, pair)] = sure[doc] / kk[doc]
    print("Share of Kazakh sentences in beads scoring 0.5 or more (the bead posteriors):")
    for pair in ("kk-ru", "kk-en"):
        for kind in ("right", "lacking", "wrong"):
            v = sorted(s for (doc, p), s in share.items() if p == pair and kinds[doc] == kind)
            q = lambda f: v[min(len(v) - 1, int(f * len(v)))]
            print(f"{pair} {kind:8} n={len(v):3} min {v[0]:.2f} p10 {q(0.1):.2f} median {q(0.5):.2f} "
                  f"p90 {q(0.9):.2f} max {v[-1]:.2f}")
        for t in (0.1, 0.2, 0.3, 0.4):
            under = {kind: sum(1 for (doc, p), s in share.items() if p == pair and kinds[doc] == kind and s < t)
                     for kind in ("right", "lacking", "wrong")}
            print(f"{pair} share < {t}: " + ", ".join(f"{kind} {c}" for kind, c in under.items()))

    print("The pairing check (pairing::check): one-to-one beads sharing evidence, per sentence of the "
          "shorter version (sentences)")
    for pair in ("kk-ru", "kk-en"):
        for kind in ("right", "lacking", "wrong"):
            v = sorted((sh / max(n, 1), n) for (doc, p), (sh, n) in checks.items() if p == pair and kinds[doc] == kind)
            print(f"{pair} {kind:8} " + " ".join(f"{x:.2f}({n})" for x, n in v))
        for least in (8, 10, 15):
            for t in (0.1, 0.15, 0.2):
                doubted = {kind: sum(1 for (doc, p), (sh, n) in checks.items()
                                     if p == pair and kinds[doc] == kind and n >= least and sh < t * n)
                           for kind in ("right", "lacking", "wrong")}
                print(f"{pair} doubted with at least {least} sentences and a share under {t}: "
                      + ", ".join(f"{k} {c}" for k, c in doubted.items()))
    counts = {kind: sum(1 for d in kinds.values() if d == kind) for kind in ("right", "lacking", "wrong")}
    hits = {kind: sum(1 for d, k in kinds.items() if k == kind and d in warned) for kind in counts}
    print("documents warned about by `shanyraq run`: " + ", ".join(f"{k} {hits[k]} of {counts[k]}" for k in counts))

if __name__ == "__main__":
    main()

