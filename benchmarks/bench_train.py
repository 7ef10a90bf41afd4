"""Training throughput of langlab's training loop, side by side with a plain PyTorch loop.

One training epoch of the next-symbol task (sigmoid per output, BCE on every position, Adam,
gradient clipping) on the real training data of Dyck-1 and Parity: 10,000 strings of lengths
1-50, drawn by langlab. Two sides, the same model (langlab's encoder + a linear head, the same
initialization) and the same strings:

- ``langlab``: ``langlab.harness.train.train`` itself: length-bucketed batches from the
  precomputed split arrays, one validation pass at the end of the epoch (on 200 strings);
- ``plain``: the loop one writes without langlab (in this file): shuffled batches padded to
  their longest string (``pad_sequence``), the k-hot targets gathered per batch, no validation.

Each measurement is a separate Python process (fresh allocator and thread pools). Processes of
both sides alternate, so a slow spell of the machine hits both. In each process one epoch warms
up (imports, allocator) and a second is timed. The table shows the median over repeats, the spread
(max - min) / median, and langlab's speed over the plain loop's.

    python benchmarks/bench_train.py                     # every configuration, 3 repeats
    python benchmarks/bench_train.py --configs lstm64 tf2 --batch 32 --repeats 5
    python benchmarks/bench_train.py --json out.json

Configurations (the 2020 paper's sizes): LSTM width 64 and 32, a 1-layer Transformer d 32
(4 heads, ff 64, no positions: the paper's positional masking aside) and the 2-layer, 4-head one
of ``suites/bhattamishra2020.yaml``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIGS: dict[str, tuple[str, dict]] = {
    "lstm64": ("lstm", {"hidden": 64, "layers": 1}),
    "lstm32": ("lstm", {"hidden": 32, "layers": 1}),
    "tf1": ("transformer", {"d_model": 32, "heads": 4, "layers": 1, "ff": 64, "positional": "none"}),
    "tf2": ("transformer", {"d_model": 32, "heads": 4, "layers": 2, "ff": 64, "positional": "none"}),
}
LANGUAGES = ("dyck-1", "parity")
CFG = {"epochs": 1, "batch_size": 32, "optimizer": "adam", "lr": 0.005, "weight_decay": 0.0,
       "grad_clip": 1.0, "patience": None, "eval_every": None, "max_steps": None,
       "time_limit_s": None, "eval_batch_size": 256}


def _data(language: str):
    from langlab import load_language
    from langlab.data import SplitSpec
    from langlab.tasks import build_dataset

    spec = SplitSpec.model_validate({"train": {"lo": 1, "hi": 50, "size": 10000},
                                     "validation": {"lo": 1, "hi": 50, "size": 200},
                                     "test": [{"lo": 51, "hi": 60, "size": 10}]})
    cache = Path(os.environ.get("LANGLAB_CACHE", "/tmp/langlab-bench-cache"))
    return build_dataset(load_language(language), task="next-symbol", spec=spec,
                         target_mode="exact", cache_dir=cache)


def _langlab_epoch(model, head, task, ds, batch: int, seed: int) -> None:
    from langlab.harness.train import train

    train(model, head, task, ds.splits["train"], ds.splits["validation"],
          {**CFG, "batch_size": batch}, seed)


def _plain_epoch(model, head, ds, batch: int, seed: int) -> None:
    """What one writes without langlab: shuffled batches padded to their longest string."""
    import torch
    import torch.nn.functional as F
    from torch.nn.utils.rnn import pad_sequence

    a = ds.splits["train"].arrays
    khot = torch.from_numpy(ds.splits["train"].khot).float()
    ids = [torch.from_numpy(a.ids[i, :n].astype("int64")) for i, n in enumerate(a.lengths)]
    nxt = [torch.from_numpy(a.next_ids[i, :n].astype("int64")) for i, n in enumerate(a.lengths)]
    params = list(model.parameters()) + list(head.parameters())
    opt = torch.optim.Adam(params, lr=CFG["lr"])
    model.train(), head.train()
    order = torch.randperm(len(ids), generator=torch.Generator().manual_seed(seed)).tolist()
    for s in range(0, len(order), batch):
        idx = order[s:s + batch]
        tokens = pad_sequence([ids[i] for i in idx], batch_first=True)            # (B, T)
        lengths = torch.tensor([len(ids[i]) for i in idx])                        # (B,)
        target = khot[pad_sequence([nxt[i] for i in idx], batch_first=True)]      # (B, T, K)
        mask = torch.arange(tokens.size(1))[None, :] < lengths[:, None]           # (B, T)
        logits = head(model(tokens, lengths))                                     # (B, T, K)
        loss = F.binary_cross_entropy_with_logits(logits[mask], target[mask])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, CFG["grad_clip"])
        opt.step()


def worker(side: str, language: str, config: str, batch: int, threads: int) -> dict:
    """One process: warm-up epoch, timed epoch; tokens (BOS included) per second."""
    import torch

    from langlab import build_model
    from langlab.tasks import get_task

    torch.set_num_threads(threads)
    ds = _data(language)
    name, settings = CONFIGS[config]
    tokens = int(ds.splits["train"].arrays.lengths.sum())
    steps = -(-len(ds.splits["train"]) // batch)
    times = []
    for seed in (0, 1):
        torch.manual_seed(seed)
        model = build_model(name, vocab_size=ds.vocab.size, **settings)
        task = get_task("next-symbol", ds.vocab)
        head = task.make_head(model.output_dim)
        t = time.perf_counter()
        if side == "langlab":
            _langlab_epoch(model, head, task, ds, batch, seed)
        else:
            _plain_epoch(model, head, ds, batch, seed)
        times.append(time.perf_counter() - t)
    return {"tok_s": tokens / times[-1], "step_ms": 1000 * times[-1] / steps, "epoch_s": times[-1]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--worker", nargs=5, metavar=("SIDE", "LANG", "CONFIG", "BATCH", "THREADS"))
    ap.add_argument("--configs", nargs="+", default=list(CONFIGS), choices=list(CONFIGS))
    ap.add_argument("--languages", nargs="+", default=list(LANGUAGES))
    ap.add_argument("--batch", nargs="+", type=int, default=[32, 64])
    ap.add_argument("--threads", nargs="+", type=int, default=[1])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    if args.worker:
        side, lang, config, batch, threads = args.worker
        print(json.dumps(worker(side, lang, config, int(batch), int(threads))))
        return
    for lang in args.languages:  # build the datasets once, before any timing
        _data(lang)
    cases = [(lang, c, b, t) for lang in args.languages for c in args.configs
             for b in args.batch for t in args.threads]
    results: dict = {}
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for r in range(args.repeats):
        for case in cases:
            for side in (("langlab", "plain") if r % 2 == 0 else ("plain", "langlab")):
                env["OMP_NUM_THREADS"] = str(case[3])
                out = subprocess.run([sys.executable, __file__, "--worker", side, *map(str, case)],
                                     capture_output=True, text=True, env=env, check=True)
                results.setdefault((*case, side), []).append(json.loads(out.stdout.splitlines()[-1]))
    rows = []
    print(f"load average at the end: {os.getloadavg()[0]:.2f}; {args.repeats} repeats\n")
    print("| language | model | batch | threads | plain tok/s | langlab tok/s | langlab ms/step "
          "| spread | langlab / plain |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for case in cases:
        ll = [x["tok_s"] for x in results[(*case, "langlab")]]
        pl = [x["tok_s"] for x in results[(*case, "plain")]]
        ratios = [a / b for a, b in zip(ll, pl)]
        med, pmed = statistics.median(ll), statistics.median(pl)
        spread = (max(ll) - min(ll)) / med
        step = statistics.median(x["step_ms"] for x in results[(*case, "langlab")])
        rows.append({"language": case[0], "config": case[1], "batch": case[2], "threads": case[3],
                     "plain_tok_s": pmed, "langlab_tok_s": med, "langlab_step_ms": step,
                     "spread": spread, "ratio_median": statistics.median(ratios),
                     "ratio_min": min(ratios), "ratio_max": max(ratios)})
        print(f"| {case[0]} | {case[1]} | {case[2]} | {case[3]} | {pmed / 1000:.1f}k | "
              f"{med / 1000:.1f}k | {step:.1f} | {100 * spread:.0f}% | "
              f"{statistics.median(ratios):.2f}× [{min(ratios):.2f}–{max(ratios):.2f}] |")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
