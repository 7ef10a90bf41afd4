"""Probe time of one run and the weights size of the 2020 paper's 243-run suite (issue 13).

``probe``: a run folder of one Dyck-1 run per model at the 2020 paper's sizes (width 32; the
Transformer 2 layers), split as in the paper (training lengths 1-50, test bins to 150) with
2,000 strings per split; the measurement is a whole ``langlab probe RUN --strings 2000``
process (every target, every layer, trained and control, all five splits), repeated, median and
spread. Training is one epoch: probe time does not depend on how well the model learned.

``weights``: the bytes ``langlab run`` keeps per run (``harness.weights.pack``, model and head
of the suite's sizes for each language's vocabulary) summed over the 27 languages x 3 models
x 3 seeds of ``reports/bhattamishra2020/suite.yaml``; the target is <= 50 MB.

    python benchmarks/bench_probe.py                 # both parts, 3 repeats
    python benchmarks/bench_probe.py --parts weights --json out.json
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODELS = {
    "rnn": {"hidden": 32, "layers": 1},
    "lstm": {"hidden": 32, "layers": 1},
    "transformer": {"d_model": 32, "heads": 4, "layers": 2, "ff": 64, "positional": "none"},
}
SUITE = """\
name: bench-probe-{model}
languages: [dyck-1]
models:
  - name: {model}
    settings: {settings}
task: {{name: next-symbol}}
split:
  train: {{lo: 1, hi: 50, size: 2000}}
  validation: {{lo: 1, hi: 50, size: 2000}}
  test: [{{lo: 1, hi: 50, size: 2000}}, {{lo: 51, hi: 100, size: 2000}}, {{lo: 101, hi: 150, size: 2000}}]
seeds: [0]
training: {{epochs: 1, batch_size: 64, lr: 0.005}}
"""


def langlab(*args: str) -> float:
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "langlab", *args], check=True, env=env,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - t


def bench_probe(repeats: int) -> list[dict]:
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        folders = {}
        for model, settings in MODELS.items():
            suite = Path(tmp) / f"{model}.yaml"
            suite.write_text(SUITE.format(model=model, settings=json.dumps(settings)))
            folders[model] = Path(tmp) / model
            langlab("run", str(suite), "--out", str(folders[model]), "--workers", "1", "--quiet")
        times: dict[str, list[float]] = {m: [] for m in MODELS}
        for _ in range(repeats):  # interleaved, one whole process each
            for model, folder in folders.items():
                times[model].append(langlab("probe", str(folder), "--strings", "2000"))
        for model, ts in times.items():
            med = statistics.median(ts)
            out.append({"model": model, "median_s": round(med, 2),
                        "spread": round((max(ts) - min(ts)) / med, 3), "repeats": ts})
    return out


def bench_weights() -> dict:
    import torch

    from langlab import build_model, load_language
    from langlab.data.targets import convention
    from langlab.data.tensors import Vocab
    from langlab.harness.suite import expand, load_suite
    from langlab.harness.weights import pack
    from langlab.tasks import get_task

    suite = load_suite(ROOT / "reports" / "bhattamishra2020" / "suite.yaml")
    jobs = expand(suite)
    total, sizes = 0, {}
    for job in jobs:
        lang = load_language(job.language)
        vocab = Vocab(lang.alphabet, convention(lang, job.task["target_mode"]))
        torch.manual_seed(job.seed)
        model = build_model(job.model, vocab_size=vocab.size, **job.settings)
        head = get_task(job.task["name"], vocab, **job.task["options"]).make_head(model.output_dim)
        n = len(pack(model, head, job, vocab.size))
        total += n
        sizes.setdefault(job.model, []).append(n)
    return {"runs": len(jobs), "total_mb": round(total / 1e6, 2),
            "per_run_kb": {m: round(statistics.fmean(v) / 1e3, 1) for m, v in sizes.items()}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--parts", default="probe,weights")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    parts = args.parts.split(",")
    result = {}
    if "weights" in parts:
        result["weights"] = w = bench_weights()
        print(f"weights of the {w['runs']}-run bhattamishra2020 suite: {w['total_mb']} MB "
              f"(target <= 50 MB); per run: "
              + ", ".join(f"{m} {kb} kB" for m, kb in w["per_run_kb"].items()))
    if "probe" in parts:
        result["probe"] = rows = bench_probe(args.repeats)
        print("\n| model | probe one run, 2,000 strings per split (s) | spread | target |")
        print("|---|---:|---:|---|")
        for r in rows:
            print(f"| {r['model']} | {r['median_s']} | {100 * r['spread']:.0f}% | <= 30 s |")
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
