"""Dataset build time per language: the default split (the 2020 paper's sizes) with targets.

For each language, each repeat is a fresh Python process that builds the default next-symbol
dataset (10,000 + 1,000 strings of lengths 1-50, 3 x 2,000 test strings up to length 150, all
next-symbol targets) and reports:

- ``build``: ``build_dataset(lang, task)`` with no cache (the number the issue bounds: <= 2 s);
- ``naive``: the baseline: for every example draw a length uniformly, ``lang.sample`` one
  string and ``lang.next_symbols_all`` it (no distinctness, no disjoint splits, no capacity
  checks, no tensors): what the simplest correct loop costs;
- ``cached``: loading the same dataset back from the on-disk cache;
- ``process``: wall time of the whole child process (start-up and imports included).

The table gives the median over repeats and the spread (max - min) / median.

    python benchmarks/bench_data.py        # the 27 languages tagged bhattamishra2020
    python benchmarks/bench_data.py parity dyck-2 --repeats 5 --task recognition --json out.json

CPU numbers on a shared machine are noisy: read the spread column before the medians.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))   # run from a checkout without installing


def child(name: str, task: str) -> dict:
    import numpy as np

    t0 = time.perf_counter()
    import langlab
    from langlab.data import SplitSpec
    from langlab.tasks import build_dataset

    lang = langlab.load_language(name)
    t1 = time.perf_counter()
    ds = build_dataset(lang, task)
    t2 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        build_dataset(lang, task, cache_dir=tmp)
        t3 = time.perf_counter()
        again = build_dataset(lang, task, cache_dir=tmp)
        t4 = time.perf_counter()
        assert again.from_cache
    rng = np.random.default_rng(0)
    for b in SplitSpec().bins().values():   # the baseline
        lengths = [n for n in b.lengths() if lang.has_member_of_length(n)]
        for _ in range(b.size):
            s = lang.sample(lengths[int(rng.integers(len(lengths)))], rng)
            lang.next_symbols_all(s)
    t5 = time.perf_counter()
    return {"import_s": t1 - t0, "build_s": t2 - t1, "cached_s": t4 - t3, "naive_s": t5 - t4,
            "n_distinct": sum(s.n_distinct for s in ds.splits.values())}


def paper_languages() -> list[str]:
    import langlab

    return [n for n in langlab.list_languages()
            if "bhattamishra2020" in langlab.load_language(n).tags]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("languages", nargs="*", help="default: every language tagged bhattamishra2020")
    ap.add_argument("--task", default="next-symbol")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.task)))
        return
    names = args.languages or paper_languages()
    rows = {}
    for name in names:
        runs = []
        for _ in range(args.repeats):
            t = time.perf_counter()
            out = subprocess.run([sys.executable, __file__, "--child", name, "--task", args.task],
                                 capture_output=True, text=True, cwd=ROOT)
            if out.returncode != 0:
                print(f"{name}: failed: {out.stderr.strip().splitlines()[-1:]}", file=sys.stderr)
                break
            runs.append({**json.loads(out.stdout), "process_s": time.perf_counter() - t})
        if runs:
            rows[name] = runs
            print(_row(name, runs), flush=True) if len(rows) > 1 else print(
                _header() + "\n" + _row(name, runs), flush=True)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))


def _header() -> str:
    return ("| language | build s (spread) | naive baseline s | cached s | process s | distinct |\n"
            "|---|---|---|---|---|---|")


def _stat(runs: list[dict], key: str) -> tuple[float, float]:
    xs = [r[key] for r in runs]
    med = statistics.median(xs)
    return med, (max(xs) - min(xs)) / med if med else 0.0


def _row(name: str, runs: list[dict]) -> str:
    b, bs = _stat(runs, "build_s")
    nv, _ = _stat(runs, "naive_s")
    c, _ = _stat(runs, "cached_s")
    p, _ = _stat(runs, "process_s")
    flag = "" if b <= 2.0 else " **>2 s**"
    return (f"| {name} | {b:.2f} ({100 * bs:.0f}%){flag} | {nv:.2f} | {c:.3f} | {p:.2f} "
            f"| {runs[0]['n_distinct']} |")


if __name__ == "__main__":
    main()
