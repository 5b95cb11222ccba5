#!/usr/bin/env python3
"""transformers on a CUDA GPU under mtbench's protocol, the reference for
`MTBENCH_DEVICE=cuda cargo bench -p shanyraq-models --features cuda --bench translate`
(mtbench's own bench_hf.py runs on the CPU only): N sentences of L words,
exactly M new tokens each, batch B, beam K, one warm-up batch untimed.
Prints one JSON line per run. Not part of the tests.

  python3 scripts/bench_hf_cuda.py --mtbench ../shared/tools/mtbench \
      --model /tmp/mtbench-models/marian-base --runs 16:4,16:1,64:4 \
      --dtype bf16 --write-src /tmp/mtbench-src.txt

`--write-src` writes the source sentences, one a line, for the Rust bench's
MTBENCH_SRC, so both engines translate the same text.
"""

import argparse
import json
import sys
import time


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mtbench", required=True, help="../shared/tools/mtbench (for its sentence maker)")
    ap.add_argument("--model", required=True)
    ap.add_argument("--runs", default="16:4,16:1", help="comma-separated BATCH:BEAM")
    ap.add_argument("--sents", type=int, default=64)
    ap.add_argument("--src-len", type=int, default=24)
    ap.add_argument("--out-len", type=int, default=24)
    ap.add_argument("--dtype", default="bf16", choices=["f32", "f16", "bf16"])
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--write-src")
    args = ap.parse_args()

    sys.path.insert(0, args.mtbench)
    import mtbench_common as C
    import torch
    from transformers import AutoModelForSeq2SeqLM

    cfg = C.read_config(args.model)
    fam = C.family_of(cfg)
    sents = [C.source_text(fam, s) for s in C.make_sentences(args.sents, args.src_len, C.num_words(cfg), args.seed)]
    if args.write_src:
        with open(args.write_src, "w") as f:
            f.write("\n".join(sents) + "\n")
    tok = C.load_tokenizer(args.model)
    ids = [e.ids for e in tok.encode_batch(sents)]

    dtype = {"f32": torch.float32, "f16": torch.float16, "bf16": torch.bfloat16}[args.dtype]
    model = AutoModelForSeq2SeqLM.from_pretrained(args.model, dtype=dtype).to("cuda").eval()
    for run in args.runs.split(","):
        batch, beam = (int(x) for x in run.split(":"))
        kwargs = dict(num_beams=beam, do_sample=False, min_new_tokens=args.out_len,
                      max_new_tokens=args.out_len, forced_eos_token_id=None, use_cache=True,
                      early_stopping=False)
        batches = [torch.tensor(ids[i:i + batch], dtype=torch.long, device="cuda")
                   for i in range(0, len(ids), batch)]

        def generate(bs):
            n = 0
            with torch.inference_mode():
                for b in bs:
                    out = model.generate(input_ids=b, attention_mask=torch.ones_like(b), **kwargs)
                    n += (out.shape[1] - 1) * out.shape[0]
            torch.cuda.synchronize()
            return n

        generate(batches[:1])
        t0 = time.perf_counter()
        tokens = generate(batches)
        wall = time.perf_counter() - t0
        print(json.dumps({
            "engine": "transformers", "device": torch.cuda.get_device_name(0), "dtype": args.dtype,
            "batch": batch, "beam": beam, "sents": len(ids), "tgt_tokens": tokens,
            "wall_s": round(wall, 4), "tgt_tokens_per_s": round(tokens / wall, 1),
            "peak_gpu_mb": round(torch.cuda.max_memory_allocated() / 2**20, 1),
        }), flush=True)


if __name__ == "__main__":
    main()
