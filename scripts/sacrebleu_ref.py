#!/usr/bin/env python3
"""Reference scores from sacrebleu itself, for shanyraq's parity tests.

Usage: sacrebleu_ref.py REQUEST.json  (or the JSON on stdin)

Request:
  {"hyps": "hyp.txt", "refs": ["ref1.txt", ...], "none_marker": "<none>",
   "cases": [{"id": "...", "metric": "bleu"|"chrf"|"ter", "options": {...},
              "sentence": true}],
   "paired_bs": {"baseline": "a.txt", "systems": ["b.txt"], "n_samples": 1000,
                 "seed": 12345, "metrics": [{"metric": ..., "options": ...}]}}

Files are UTF-8, one segment per line (only "\n" separates lines). A
reference line equal to `none_marker` is passed to sacrebleu as None, which
gives segments a variable number of references. Options are the keyword
arguments of sacrebleu's BLEU / CHRF / TER classes.

Output (stdout): JSON with every float at full precision (repr):
  {"sacrebleu_version": "2.5.1",
   "cases": [{"id", "corpus": {"name", "score", "formatted", "signature",
                               "signature_short"},
              "sentence": [{...same fields...}, ...]}],
   "paired_bs": {"metrics": [{"name", "signature", "cells",
                 "baseline": {"score", "mean", "ci"},
                 "systems": [{"score", "mean", "ci", "p_value"}]}]}}
"""

import json
import logging
import os
import sys


def read_lines(path, none_marker=None):
    with open(path, encoding="utf-8", newline="") as fh:
        text = fh.read()
    if text.endswith("\n"):
        text = text[:-1]
    lines = text.split("\n") if text else [""]
    if none_marker is not None:
        lines = [None if line == none_marker else line for line in lines]
    return lines


def make_metric(spec, references=None):
    from sacrebleu.metrics import BLEU, CHRF, TER

    cls = {"bleu": BLEU, "chrf": CHRF, "ter": TER}[spec["metric"]]
    return cls(**spec.get("options", {}), references=references)


def score_dict(score, signature):
    return {
        "name": score.name,
        "score": float(score.score),
        "formatted": str(score),
        "signature": signature.format(),
        "signature_short": signature.format(short=True),
    }


def run_case(case, hyps, refs):
    metric = make_metric(case)
    corpus = metric.corpus_score(hyps, refs)
    out = {"id": case.get("id"), "corpus": score_dict(corpus, metric.get_signature())}
    if case.get("sentence"):
        sentences = []
        for i, hyp in enumerate(hyps):
            seg_refs = [stream[i] for stream in refs]
            s = metric.sentence_score(hyp, seg_refs)
            sentences.append(score_dict(s, metric.get_signature()))
        out["sentence"] = sentences
    return out


def run_paired(req, refs):
    pbs = req["paired_bs"]
    os.environ["SACREBLEU_SEED"] = str(pbs.get("seed", 12345))
    from sacrebleu.significance import PairedTest

    named = [("baseline", read_lines(pbs["baseline"]))]
    for i, path in enumerate(pbs["systems"]):
        named.append((f"system{i + 1}", read_lines(path)))
    metrics = {}
    for i, spec in enumerate(pbs["metrics"]):
        metrics[f"m{i}"] = make_metric(spec, references=refs)
    test = PairedTest(named, metrics, references=None, test_type="bs",
                      n_samples=pbs.get("n_samples", 1000))
    sigs, scores = test()
    # The table cells `sacrebleu --paired-bs` prints (single-line, no colour).
    from sacrebleu.utils import Color, _format_score_lines
    Color.ENABLE_COLORS = False
    cells = list(_format_score_lines(dict(scores), width=2, multiline=False).values())[1:]
    result = []
    metric_scores = [(k, v) for k, v in scores.items() if k != "System"]
    for (name, values), column in zip(metric_scores, cells):
        base = values[0]
        result.append({
            "name": name,
            "cells": column,
            "signature": str(sigs[name]),
            "baseline": {"score": float(base.score), "mean": float(base.mean),
                         "ci": float(base.ci)},
            "systems": [{"score": float(r.score), "mean": float(r.mean),
                         "ci": float(r.ci), "p_value": float(r.p_value)}
                        for r in values[1:]],
        })
    return {"metrics": result}


def main():
    logging.getLogger("sacrebleu").setLevel(logging.ERROR)
    import sacrebleu

    if len(sys.argv) > 1:
        with open(sys.argv[1], encoding="utf-8") as fh:
            req = json.load(fh)
    else:
        req = json.load(sys.stdin)
    marker = req.get("none_marker")
    refs = [read_lines(p, marker) for p in req.get("refs", [])]
    out = {"sacrebleu_version": sacrebleu.__version__, "cases": []}
    if req.get("cases"):
        hyps = read_lines(req["hyps"])
        out["cases"] = [run_case(c, hyps, refs) for c in req["cases"]]
    if req.get("paired_bs"):
        out["paired_bs"] = run_paired(req, refs)
    json.dump(out, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
