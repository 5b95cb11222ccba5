#!/usr/bin/env python3
"""Writes a large kk/ru/en corpus for measuring `shanyraq run` end to end
(BENCHMARKS.md, "End to end"): the 123 NTREX-128 documents, each language
version a file of one paragraph a sentence, copied COPIES times under new
ids (123 x COPIES documents, about 1,997 x COPIES sentences a language).

usage: scripts/make_big_corpus.py OUT [--copies 50] [--data ../shared/data]
then:  /usr/bin/time -v target/release/shanyraq run OUT -o out.tmx --no-fill
"""
import argparse
import os

from evaldocs import LANGS, read_set


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--copies", type=int, default=50)
    ap.add_argument("--data", default="../shared/data")
    args = ap.parse_args()
    lines, articles, _ = read_set(args.data, "ntrex")
    for lang in LANGS:
        os.makedirs(os.path.join(args.out, lang), exist_ok=True)
    for copy in range(args.copies):
        for doc, (start, end) in enumerate(articles):
            for lang in LANGS:
                path = os.path.join(args.out, lang, f"{copy:03d}-{doc:03d}.txt")
                with open(path, "w", encoding="utf-8") as f:
                    f.write("\n\n".join(lines[lang][start:end]) + "\n")


if __name__ == "__main__":
    main()
