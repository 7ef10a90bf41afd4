"""Evaluation time of one model on CHE's 460 test lengths (41-500), issue 14's target (<= 20 s).

One measurement = one fresh Python process that builds (or loads from a cache shared by every
repeat) the test bin of a CHE task, builds an untrained model, and times
``task.evaluate(model, head, split)`` on that bin, 460 inputs, one per input length 41-500.
Duplicate string emits 2n output tokens after its n inputs, so its sequences reach 1,501 tokens
(the longest of CHE's tasks); parity check emits one. The baseline, measured in the same run, is
the plain loop: the same model scored one input at a time (``batch_size=1``), no bucketing.

    python benchmarks/bench_eval.py                      # 3 repeats, every model, both tasks
    python benchmarks/bench_eval.py --repeats 5 --models transformer,tape-rnn --json out.json

Models are those of ``suites/deletang2023-cpu.yaml`` (the committed report's), plus CHE's own
Transformer size (``suites/deletang2023.yaml``: 64 wide, 5 layers, 8 heads). One thread, as a
suite worker has on a 2-core machine with ``--workers 2``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TASKS = ("che/duplicate-string", "che/parity-check")
TARGET_S = 20.0
MODELS: dict[str, tuple[str, dict]] = {
    "rnn": ("rnn", {"hidden": 64, "layers": 1}),
    "lstm": ("lstm", {"hidden": 64, "layers": 1}),
    "stack-rnn": ("stack-rnn", {"hidden": 64, "stack_depth": 512, "stack_width": 4}),
    "tape-rnn": ("tape-rnn", {"hidden": 64, "tape_size": 512, "cell_width": 4, "mlp": 32}),
    "transformer": ("transformer", {"d_model": 32, "heads": 4, "layers": 2, "ff": 64,
                                    "positional": "alibi", "max_len": 2048}),
    "transformer (CHE's size)": ("transformer", {"d_model": 64, "heads": 8, "layers": 5, "ff": 256,
                                                 "positional": "alibi", "max_len": 2048}),
}


def child(task: str, model_name: str, batch_size: int, cache: str) -> None:
    """One measurement; prints a JSON line with the seconds evaluation took."""
    import time

    import torch

    from langlab import build_model
    from langlab.data import LengthBin, SplitSpec
    from langlab.tasks import build_dataset, get_task

    torch.set_num_threads(1)
    spec = SplitSpec(train=LengthBin(1, 40, 200), validation=LengthBin(1, 40, 20),
                     test=[LengthBin(41, 500, 460)])
    ds = build_dataset(task, "transduction", spec, cache_dir=cache)
    registry, settings = MODELS[model_name]
    torch.manual_seed(0)
    model = build_model(registry, vocab_size=ds.vocab.size, **settings)
    scorer = get_task("transduction", ds.vocab)
    head = scorer.make_head(model.output_dim)
    split = ds.splits["test-41-500"]
    t = time.perf_counter()
    metrics = scorer.evaluate(model, head, split, batch_size=batch_size)
    seconds = time.perf_counter() - t
    print(json.dumps({"seconds": seconds, "n": metrics["n"], "longest": int(split.arrays.lengths.max())}))


def measure(task: str, model_name: str, batch_size: int, cache: str) -> dict:
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, __file__, "--child", task, model_name, str(batch_size), cache],
                         capture_output=True, text=True, env=env, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--models", default=",".join(MODELS))
    ap.add_argument("--tasks", default=",".join(TASKS))
    ap.add_argument("--batch-size", type=int, default=64, help="langlab's eval batch (the suites')")
    ap.add_argument("--no-baseline", action="store_true", help="skip the one-at-a-time loop")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        task, model_name, batch_size, cache = args.child
        child(task, model_name, int(batch_size), cache)
        return
    models, tasks = args.models.split(","), args.tasks.split(",")
    sides = [("langlab", args.batch_size)] + ([] if args.no_baseline else [("one at a time", 1)])
    times: dict[tuple[str, str, str], list[float]] = {}
    longest: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as cache:
        for task in tasks:  # build each task's data once, outside the timed part
            measure(task, "lstm", args.batch_size, cache)
        for _ in range(args.repeats):  # interleaved: every cell once per repeat
            for task in tasks:
                for model_name in models:
                    for side, bs in sides:
                        r = measure(task, model_name, bs, cache)
                        times.setdefault((task, model_name, side), []).append(r["seconds"])
                        longest[task] = r["longest"]
    rows = []
    print(f"Evaluation of one untrained model on 460 test inputs (lengths 41-500), one thread; "
          f"median of {args.repeats} processes, spread = (max - min) / median.\n")
    heads = ["task (longest sequence)", "model"] + [f"{s} (s)" for s, _ in sides] + ["spread"]
    if len(sides) > 1:
        heads.append("speed-up")
    heads.append(f"≤ {TARGET_S:.0f} s")
    print("| " + " | ".join(heads) + " |")
    print("|---|---|" + "---:|" * (len(heads) - 2))
    for task in tasks:
        for model_name in models:
            med = {s: statistics.median(times[(task, model_name, s)]) for s, _ in sides}
            ours = times[(task, model_name, "langlab")]
            spread = (max(ours) - min(ours)) / med["langlab"]
            cells = [f"`{task}` ({longest[task]})", model_name] + [f"{med[s]:.2f}" for s, _ in sides]
            cells.append(f"{100 * spread:.0f}%")
            if len(sides) > 1:
                cells.append(f"{med['one at a time'] / med['langlab']:.1f}×")
            cells.append("yes" if med["langlab"] <= TARGET_S else "**no**")
            print("| " + " | ".join(cells) + " |")
            rows.append({"task": task, "model": model_name, "median_s": med,
                         "runs_s": {s: times[(task, model_name, s)] for s, _ in sides}})
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1) + "\n")


if __name__ == "__main__":
    main()
