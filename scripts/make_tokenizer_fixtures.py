#!/usr/bin/env python3
"""Writes models/tests/fixtures/marian-spm/: two small SentencePiece models
trained here on FLORES-200 dev text (source.spm on Kazakh+English, target.spm
on Russian), an OPUS-MT style vocab.json, and tokenizer_expected.json with
what transformers' MarianTokenizer gives for a set of sentences: source ids,
target ids and the decoded target string.

The Rust tests (models/tests/tokenizer.rs) compare the pure-Rust converter
against this file; CI only reads it.

Usage (needs sentencepiece and transformers, see scripts/README or
/work/shared/tools/mtbench/README.md for the venv):

    python scripts/make_tokenizer_fixtures.py \
        --flores /work/shared/data/flores200-dev --out models/tests/fixtures/marian-spm
"""
import argparse
import io
import json
import os
import tempfile

import sentencepiece as spm


def read_lines(path, n):
    with open(path, encoding="utf-8") as f:
        return [line.rstrip("\n") for line in f][:n]


def train(lines, vocab_size, path):
    # Small unigram models with nmt_nfkc normalisation, as OPUS-MT uses;
    # character_coverage below 1 leaves rare characters unknown.
    buf = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines),
        model_writer=buf,
        vocab_size=vocab_size,
        model_type="unigram",
        character_coverage=0.995,
        normalization_rule_name="nmt_nfkc",
        unk_id=0,
        bos_id=-1,
        eos_id=1,
        pad_id=-1,
        seed_sentencepiece_size=20000,
        num_threads=1,
    )
    with open(path, "wb") as f:
        f.write(buf.getvalue())


EDGE_CASES = [
    "",
    "   ",
    "Сәлем, әлем!",
    "Қазақстан Республикасы — Орталық Азиядағы мемлекет.",
    "ғ қ ң ө ұ ү һ і ә Ғ Қ Ң Ө Ұ Ү Һ І Ә",
    "«Кітап» деген сөз 2024 жылы 15 рет қайталанды.",
    "«Ёлка» и «ёж» — 1 234 567,89 руб.",
    "  leading and trailing spaces  ",
    "many     inner\tspaces\nand newline",
    "Unknown: 漢字 😀 ☃ ∮ ᚠ",
    "Full-width ＡＢＣ１２３ and ligature ﬁ and ① and ™",
    ">>kaz<< Hello world",
    ">>rus<<Сәлем",
    "not a >>kaz<< code",
    "digits 0123456789 and punctuation .,;:!?()[]{}",
    "Café naïve résumé",
    "e\u0301 combining accent",
    "ALL CAPS КАЗАХСКИЙ ҚАЗАҚША",
    "a",
    "😀",
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--flores", default="/work/shared/data/flores200-dev")
    ap.add_argument("--out", default="models/tests/fixtures/marian-spm")
    ap.add_argument("--train-lines", type=int, default=997)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    kk = read_lines(os.path.join(args.flores, "kaz_Cyrl.dev"), args.train_lines)
    ru = read_lines(os.path.join(args.flores, "rus_Cyrl.dev"), args.train_lines)
    en = read_lines(os.path.join(args.flores, "eng_Latn.dev"), args.train_lines)
    src_spm = os.path.join(args.out, "source.spm")
    tgt_spm = os.path.join(args.out, "target.spm")
    train(kk + en, 400, src_spm)
    train(ru, 300, tgt_spm)

    # OPUS-MT vocab.json: </s> 0, <unk> 1, the pieces of both models, the
    # language labels, <pad> last (decoder_start = pad = V-1).
    vocab = {"</s>": 0, "<unk>": 1}
    for path in (src_spm, tgt_spm):
        sp = spm.SentencePieceProcessor(model_file=path)
        for i in range(sp.get_piece_size()):
            piece = sp.id_to_piece(i)
            if sp.is_control(i) or sp.is_unknown(i) or piece in vocab:
                continue
            vocab[piece] = len(vocab)
    for code in (">>kaz<<", ">>rus<<", ">>eng<<"):
        vocab[code] = len(vocab)
    vocab["<pad>"] = len(vocab)
    with open(os.path.join(args.out, "vocab.json"), "w", encoding="utf-8") as f:
        json.dump(vocab, f, ensure_ascii=False, indent=0)
    with open(os.path.join(args.out, "tokenizer_config.json"), "w") as f:
        json.dump({"tokenizer_class": "MarianTokenizer", "model_max_length": 512}, f)

    from transformers import MarianTokenizer

    tok = MarianTokenizer(source_spm=src_spm, target_spm=tgt_spm, vocab=os.path.join(args.out, "vocab.json"))
    sentences = EDGE_CASES + kk[900:915] + en[900:915] + ru[900:915]
    cases = []
    for text in sentences:
        ids = tok(text)["input_ids"]
        tgt = tok(text_target=text)["input_ids"]
        cases.append(
            {
                "text": text,
                "ids": ids,
                "target_ids": tgt,
                "decoded": tok.decode(tgt, skip_special_tokens=True),
                "decoded_source": tok.decode(ids, skip_special_tokens=True),
            }
        )
    with open(os.path.join(args.out, "tokenizer_expected.json"), "w", encoding="utf-8") as f:
        json.dump({"cases": cases}, f, ensure_ascii=False, indent=1)
    print(f"wrote {len(cases)} cases, vocab {len(vocab)} to {args.out}")


if __name__ == "__main__":
    main()
