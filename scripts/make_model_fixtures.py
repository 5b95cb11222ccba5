#!/usr/bin/env python3
"""Writes tiny random Marian, T5 v1.1 and M2M100 (NLLB's architecture) models in the Hugging Face layout
under models/tests/fixtures/, each with `expected.json`: what transformers
computes for fixed inputs, which models/tests/parity.rs compares against.

Per model:
  * teacher-forced log-probabilities of fixed targets (gathered per position,
    plus the full rows of the first sentence), batch 1 and batch 8 padded;
  * greedy outputs and beam-search outputs (with `sequences_scores`) under
    two decoding settings, batch 1 (each sentence alone) and batch 8.

The Marian model uses the vocabulary of models/tests/fixtures/marian-spm
(run scripts/make_tokenizer_fixtures.py first) so the end-to-end translator
test can use real tokenization. Weights are N(0, std) with a fixed seed and
a larger std than transformers' init, so distributions are peaked and
sentences end at different lengths.

    /tmp/hfvenv/bin/python scripts/make_model_fixtures.py --out models/tests/fixtures
"""
import argparse
import json
import os
import shutil

import torch

SEED = 20251126


def randomize(model, std, seed):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in sorted(model.named_parameters()):
            if "layer_norm" in name or name.endswith("final_layer_norm.weight"):
                if name.endswith("weight"):
                    p.copy_(1.0 + 0.1 * torch.randn(p.shape, generator=g))
                else:
                    p.copy_(0.1 * torch.randn(p.shape, generator=g))
            else:
                p.copy_(std * torch.randn(p.shape, generator=g))


def strip(seq, pad, start_skip=1):
    """Generated ids after the start token, without trailing padding."""
    seq = list(seq[start_skip:])
    while seq and seq[-1] == pad:
        seq.pop()
    return seq


def pad_batch(seqs, pad):
    width = max(len(s) for s in seqs)
    ids = torch.full((len(seqs), width), pad, dtype=torch.long)
    mask = torch.zeros((len(seqs), width), dtype=torch.long)
    for i, s in enumerate(seqs):
        ids[i, : len(s)] = torch.tensor(s)
        mask[i, : len(s)] = 1
    return ids, mask


def record(model, sources, targets, start, pad, settings):
    out = {"sources": sources, "targets": targets, "teacher_forced": {}, "generate": []}
    # Teacher forcing: decoder input = start + target[:-1]; report log p(target[t]).
    for mode in ("batch1", "batch8"):
        groups = [[i] for i in range(len(sources))] if mode == "batch1" else [list(range(len(sources)))]
        gathered = [None] * len(sources)
        first_rows = None
        for g in groups:
            ids, mask = pad_batch([sources[i] for i in g], pad)
            dec, _ = pad_batch([[start] + targets[i][:-1] for i in g], pad)
            with torch.no_grad():
                logits = model(input_ids=ids, attention_mask=mask, decoder_input_ids=dec).logits
            lp = torch.log_softmax(logits.float(), dim=-1)
            for r, i in enumerate(g):
                n = len(targets[i])
                gathered[i] = [lp[r, t, targets[i][t]].item() for t in range(n)]
                if i == 0:
                    first_rows = lp[r, :n].tolist()
        out["teacher_forced"][mode] = {"target_logprobs": gathered, "first_sentence_rows": first_rows}
    for s in settings:
        entry = {"settings": s, "results": {}}
        for mode in ("batch1", "batch8"):
            groups = [[i] for i in range(len(sources))] if mode == "batch1" else [list(range(len(sources)))]
            res = [None] * len(sources)
            for g in groups:
                ids, mask = pad_batch([sources[i] for i in g], pad)
                kw = dict(
                    num_beams=s["num_beams"],
                    max_length=s["max_length"],
                    min_length=s["min_length"],
                    length_penalty=s["length_penalty"],
                    early_stopping=s["early_stopping"],
                    bad_words_ids=[[pad]],
                    forced_eos_token_id=s["forced_eos_token_id"],
                    forced_bos_token_id=s.get("forced_bos_token_id"),
                    do_sample=False,
                    return_dict_in_generate=True,
                    output_scores=True,
                )
                with torch.no_grad():
                    gen = model.generate(input_ids=ids, attention_mask=mask, **kw)
                for r, i in enumerate(g):
                    item = {"tokens": strip(gen.sequences[r].tolist(), pad)}
                    if s["num_beams"] > 1:
                        item["score"] = gen.sequences_scores[r].item()
                    res[i] = item
            entry["results"][mode] = res
        out["generate"].append(entry)
    return out


def settings_for(eos):
    return [
        dict(name="greedy", num_beams=1, max_length=24, min_length=0, length_penalty=1.0,
             early_stopping=False, forced_eos_token_id=None),
        dict(name="beam4", num_beams=4, max_length=24, min_length=0, length_penalty=1.0,
             early_stopping=False, forced_eos_token_id=eos),
        dict(name="beam3_lp06_min4", num_beams=3, max_length=14, min_length=4, length_penalty=0.6,
             early_stopping=False, forced_eos_token_id=eos),
        dict(name="greedy_min5_forced", num_beams=1, max_length=12, min_length=5, length_penalty=1.0,
             early_stopping=False, forced_eos_token_id=eos),
        dict(name="beam4_eager_never", num_beams=4, max_length=20, min_length=0, length_penalty=1.3,
             early_stopping="never", forced_eos_token_id=None),
        dict(name="beam2_eager", num_beams=2, max_length=20, min_length=0, length_penalty=1.0,
             early_stopping=True, forced_eos_token_id=None),
    ]


def write_model(model, tokdir, out, config_edits):
    os.makedirs(out, exist_ok=True)
    model.save_pretrained(out, safe_serialization=True)
    cfg_path = os.path.join(out, "config.json")
    cfg = json.load(open(cfg_path))
    for k, v in config_edits.items():
        if v is None and k.startswith("-"):
            cfg.pop(k[1:], None)
        else:
            cfg[k] = v
    json.dump(cfg, open(cfg_path, "w"), indent=1)
    if tokdir:
        for f in ("source.spm", "target.spm", "vocab.json", "tokenizer_config.json"):
            shutil.copy(os.path.join(tokdir, f), os.path.join(out, f))


def marian(out_root, tokdir):
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer

    vocab = json.load(open(os.path.join(tokdir, "vocab.json")))
    V = len(vocab)
    pad = V - 1
    tok = MarianTokenizer(
        source_spm=os.path.join(tokdir, "source.spm"),
        target_spm=os.path.join(tokdir, "target.spm"),
        vocab=os.path.join(tokdir, "vocab.json"),
    )
    texts = [
        "Сәлем, әлем!",
        "Қазақстан Республикасы — Орталық Азиядағы мемлекет.",
        "«Кітап» деген сөз 2024 жылы 15 рет қайталанды.",
        "The quick brown fox jumps over the lazy dog.",
        "a",
        "Бүгін ауа райы жақсы, бірақ ертең жаңбыр жауады деп күтілуде.",
        "Hello",
        "Ол мектепке барды.",
    ]
    sources = [tok(t)["input_ids"] for t in texts]
    g = torch.Generator().manual_seed(SEED + 1)
    targets = [torch.randint(2, V - 1, (n,), generator=g).tolist() + [0] for n in (5, 9, 3, 12, 1, 7, 4, 10)]
    results = {}
    variants = {
        # Shared embeddings; config without share_encoder_decoder_embeddings
        # (older checkpoints), forced_eos_token_id null.
        "marian-tiny": dict(
            cfg=dict(activation_function="swish", scale_embedding=True, share_encoder_decoder_embeddings=True),
            edits={"-share_encoder_decoder_embeddings": None, "forced_eos_token_id": None},
        ),
        # Separate decoder embeddings (decoder vocab = encoder vocab here so
        # the same ids work), relu, no embedding scaling.
        "marian-tiny-sep": dict(
            cfg=dict(activation_function="relu", scale_embedding=False, share_encoder_decoder_embeddings=False,
                     decoder_vocab_size=V),
            edits={},
        ),
    }
    for name, v in variants.items():
        cfg = MarianConfig(
            vocab_size=V, d_model=16, encoder_layers=2, decoder_layers=2, encoder_attention_heads=2,
            decoder_attention_heads=2, encoder_ffn_dim=32, decoder_ffn_dim=32, max_position_embeddings=64,
            pad_token_id=pad, eos_token_id=0, decoder_start_token_id=pad, forced_eos_token_id=0,
            **v["cfg"],
        )
        torch.manual_seed(SEED)
        model = MarianMTModel(cfg).eval()
        randomize(model, 0.5, SEED + (11 if name == "marian-tiny" else 13))
        with torch.no_grad():
            model.final_logits_bias[0, 0] += 4.5  # EOS likelier: varied lengths
        out = os.path.join(out_root, name)
        model.generation_config.bad_words_ids = [[pad]]
        model.generation_config.num_beams = 4
        model.generation_config.max_length = 24
        model.generation_config.forced_eos_token_id = 0
        # Only marian-tiny carries the tokenizer (end-to-end test).
        write_model(model, tokdir if name == "marian-tiny" else None, out, v["edits"])
        # Reload as transformers would, and record with the reloaded model.
        model = MarianMTModel.from_pretrained(out).eval()
        rec = record(model, sources, targets, pad, pad, settings_for(0))
        rec["texts"] = texts
        json.dump(rec, open(os.path.join(out, "expected.json"), "w"))
        results[name] = rec
    return results


def t5(out_root):
    from transformers import GenerationConfig, T5Config, T5ForConditionalGeneration

    V = 200
    cfg = T5Config(
        vocab_size=V, d_model=16, d_kv=8, d_ff=32, num_layers=2, num_decoder_layers=2, num_heads=2,
        relative_attention_num_buckets=32, relative_attention_max_distance=128, feed_forward_proj="gated-gelu",
        tie_word_embeddings=False, pad_token_id=0, eos_token_id=1, decoder_start_token_id=0,
    )
    torch.manual_seed(SEED)
    model = T5ForConditionalGeneration(cfg).eval()
    randomize(model, 0.3, SEED + 7)
    out = os.path.join(out_root, "t5-tiny")
    model.generation_config = GenerationConfig(
        decoder_start_token_id=0, eos_token_id=1, pad_token_id=0, bad_words_ids=[[0]], num_beams=4, max_length=24
    )
    # transformers 5 forces tie_word_embeddings=True on T5 and drops lm_head
    # when saving; write the checkpoint as v1.1 models (kazRush) ship it:
    # its own lm_head.weight and "tie_word_embeddings": false.
    write_model(model, None, out, {"tie_word_embeddings": False, "-scale_decoder_outputs": None})
    from safetensors.torch import load_file, save_file

    st = os.path.join(out, "model.safetensors")
    sd = load_file(st)
    g = torch.Generator().manual_seed(SEED + 3)
    lm_head = 0.5 * torch.randn(sd["shared.weight"].shape, generator=g)
    lm_head[1] += 2.0  # EOS likelier
    sd["lm_head.weight"] = lm_head
    save_file(sd, st, metadata={"format": "pt"})
    reloaded = T5ForConditionalGeneration.from_pretrained(out).eval()
    tied = torch.equal(reloaded.lm_head.weight, reloaded.shared.weight)
    assert not tied and not reloaded.config.scale_decoder_outputs
    g = torch.Generator().manual_seed(SEED + 2)
    lengths = (6, 11, 3, 40, 1, 17, 9, 150)
    sources = [torch.randint(2, V, (n,), generator=g).tolist() + [1] for n in lengths]
    targets = [torch.randint(2, V, (n,), generator=g).tolist() + [1] for n in (5, 14, 3, 20, 1, 7, 4, 12)]
    rec = record(reloaded, sources, targets, 0, 0, settings_for(1))
    from transformers.models.t5.modeling_t5 import T5Attention

    rel = torch.arange(-300, 301)
    rec["buckets"] = {
        "relative": rel.tolist(),
        "bidirectional": T5Attention._relative_position_bucket(rel, True, 32, 128).tolist(),
        "unidirectional": T5Attention._relative_position_bucket(rel, False, 32, 128).tolist(),
    }
    rec["hf_reloaded_lm_head_tied_to_shared"] = tied
    json.dump(rec, open(os.path.join(out, "expected.json"), "w"))
    return rec


# Chosen so that the beam settings end sentences at lengths from 2 to the
# limit (4.4: every sentence runs to it; 5: most stop at once).
EOS_PULL = 4.7


def m2m100(out_root):
    """NLLB's architecture: pre-norm layers with a final norm per stack,
    positions counted from pad + 1, sources that start with a language
    token, and generation whose first token is forced to the target's."""
    from transformers import GenerationConfig, M2M100Config, M2M100ForConditionalGeneration

    V, pad, eos, src_lang, tgt_lang = 160, 1, 2, 150, 151
    cfg = M2M100Config(
        vocab_size=V, d_model=16, encoder_layers=2, decoder_layers=2, encoder_attention_heads=2,
        decoder_attention_heads=2, encoder_ffn_dim=32, decoder_ffn_dim=32, max_position_embeddings=64,
        activation_function="relu", scale_embedding=True, pad_token_id=pad, bos_token_id=0, eos_token_id=eos,
        decoder_start_token_id=eos, dropout=0.0, attention_dropout=0.0, activation_dropout=0.0,
    )
    torch.manual_seed(SEED)
    model = M2M100ForConditionalGeneration(cfg).eval()
    randomize(model, 0.5, SEED + 17)
    g = torch.Generator().manual_seed(SEED + 4)
    lengths = (6, 11, 3, 40, 1, 17, 9, 55)
    sources = [[src_lang] + torch.randint(3, 150, (n,), generator=g).tolist() + [eos] for n in lengths]
    targets = [[tgt_lang] + torch.randint(3, 150, (n,), generator=g).tolist() + [eos] for n in (5, 14, 3, 20, 1, 7, 4, 12)]
    with torch.no_grad():
        # Tied output layer: an EOS row along the decoder's mean output
        # makes EOS likelier everywhere, so that sentences end at different
        # lengths (random weights alone repeat one token to the limit).
        ids, mask = pad_batch(sources, pad)
        dec, _ = pad_batch([[eos] + t[:-1] for t in targets], pad)
        states = model(input_ids=ids, attention_mask=mask, decoder_input_ids=dec,
                       output_hidden_states=True).decoder_hidden_states[-1]
        mean = states.reshape(-1, states.shape[-1]).mean(0)
        model.model.shared.weight[eos] = EOS_PULL * mean / mean.norm() ** 2
    out = os.path.join(out_root, "m2m100-tiny")
    model.generation_config = GenerationConfig(
        decoder_start_token_id=eos, eos_token_id=eos, pad_token_id=pad, bos_token_id=0, max_length=24
    )
    write_model(model, None, out, {})
    write_nllb_tokenizer(out, src_lang, tgt_lang)
    reloaded = M2M100ForConditionalGeneration.from_pretrained(out).eval()
    settings = settings_for(eos)
    for s in settings:
        s["forced_bos_token_id"] = tgt_lang
    rec = record(reloaded, sources, targets, eos, pad, settings)
    rec["languages"] = {"source": src_lang, "target": tgt_lang}
    rec["translations"] = nllb_translations(reloaded, out)
    json.dump(rec, open(os.path.join(out, "expected.json"), "w"))
    return rec


NLLB_TEXTS = [
    "Сәлем, әлем!",
    "Қазақстан Республикасы — Орталық Азиядағы мемлекет.",
    "«Кітап» деген сөз 2024 жылы 15 рет қайталанды.",
    "Ол мектепке барды.",
]


def write_nllb_tokenizer(out, src_lang, tgt_lang):
    """A small tokenizer.json laid out as NLLB's: SentencePiece-style BPE
    (Metaspace), <s> <pad> </s> <unk> first, the language tokens added after
    the pieces as special tokens (kaz_Cyrl = src_lang, eng_Latn = tgt_lang)."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers

    tok = Tokenizer(models.BPE(unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Metaspace()
    tok.decoder = decoders.Metaspace()
    trainer = trainers.BpeTrainer(vocab_size=150, special_tokens=["<s>", "<pad>", "</s>", "<unk>"],
                                  show_progress=False)
    corpus = NLLB_TEXTS * 3 + ["The quick brown fox jumps over the lazy dog.", "Бүгін ауа райы жақсы."]
    tok.train_from_iterator(corpus, trainer)
    assert tok.get_vocab_size() == 150, tok.get_vocab_size()
    tok.add_special_tokens(["kaz_Cyrl", "eng_Latn", "rus_Cyrl"])
    assert tok.token_to_id("kaz_Cyrl") == src_lang and tok.token_to_id("eng_Latn") == tgt_lang
    # NLLB's template, for its default source language.
    tok.post_processor = processors.TemplateProcessing(
        single="eng_Latn $A </s>", pair="eng_Latn $A $B </s>",
        special_tokens=[("eng_Latn", tgt_lang), ("</s>", 2)],
    )
    tok.save(os.path.join(out, "tokenizer.json"))


def nllb_translations(model, out):
    """kk → en through transformers' own NLLB tokenizer (its source framing
    and forced target language), beam 4, at least 8 tokens (the random
    model would mostly stop at once)."""
    from transformers import NllbTokenizerFast

    tok = NllbTokenizerFast(tokenizer_file=os.path.join(out, "tokenizer.json"), src_lang="kaz_Cyrl",
                            tgt_lang="eng_Latn")
    res = []
    for text in NLLB_TEXTS:
        ids = tok(text)["input_ids"]
        with torch.no_grad():
            gen = model.generate(input_ids=torch.tensor([ids]), num_beams=4, max_length=24, min_length=8,
                                 forced_bos_token_id=tok.convert_tokens_to_ids("eng_Latn"),
                                 bad_words_ids=[[1]])
        seq = gen[0].tolist()
        res.append({"text": text, "source_ids": ids, "tokens": strip(seq, 1),
                    "translation": tok.decode(seq, skip_special_tokens=True)})
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="models/tests/fixtures")
    ap.add_argument("--only", choices=["marian", "t5", "m2m100"])
    args = ap.parse_args()
    torch.set_num_threads(1)
    tokdir = os.path.join(args.out, "marian-spm")
    if args.only in (None, "marian"):
        for name, rec in marian(args.out, tokdir).items():
            for e in rec["generate"]:
                print(name, e["settings"]["name"], [r["tokens"] for r in e["results"]["batch8"]][:4])
    if args.only in (None, "m2m100"):
        rec = m2m100(args.out)
        for e in rec["generate"]:
            print("m2m100", e["settings"]["name"], [r["tokens"] for r in e["results"]["batch8"]][:4])
    if args.only in (None, "t5"):
        rec = t5(args.out)
        print("t5 lm_head tied after reload:", rec["hf_reloaded_lm_head_tied_to_shared"])
        for e in rec["generate"]:
            print("t5", e["settings"]["name"], [r["tokens"] for r in e["results"]["batch8"]][:4])


if __name__ == "__main__":
    main()
