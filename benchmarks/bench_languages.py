"""Speed of the language library against issue 2's targets.

- ``volume``: the 2020 paper's data volume for every ``bhattamishra2020`` language — 10,000
  strings of lengths 1-50 (length uniform over the lengths that have members) plus 3 x 2,000 of
  lengths 1-50, 51-100, 101-150 — total wall time (target <= 20 s for all 27).
- ``nextsets``: ``next_symbols_all`` over every prefix of one length-n member (n = 250 ... 2000)
  against the baseline, a per-prefix ``next_symbols`` loop (O(n^2) total); the growth column
  is log2 t(2n)/t(n): 1 is linear, 2 quadratic.
- ``long``: at length 500 (the next length with members when 500 has none) for every regular,
  counter and Dyck language: set-up (load plus the first ``count``) < 1 s, and >= 1,000
  samples/s with ``sample_many``.
- ``import``: ``import langlab; langlab.list_languages()`` in a fresh interpreter (< 1 s).

Every part of every repeat runs in its own Python process (cold caches, interleaved in time),
and the tables show the median over repeats and the spread (max - min) / median::

    python benchmarks/bench_languages.py                      # 5 repeats, markdown on stdout
    python benchmarks/bench_languages.py --repeats 3 --parts volume,import --json out.json

CPU numbers on a shared machine are noisy: read the spread column before the medians.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import subprocess
import sys
import time
from pathlib import Path

from _timing import timed as _timed  # benchmarks/ is sys.path[0] when run as a script

ROOT = Path(__file__).resolve().parent.parent
PARTS = ("volume", "nextsets", "long", "import")
NEXTSET_LENGTHS = (250, 500, 1000, 2000)
# One language per family (DFA, counter, Dyck, context-free, copy, FLaRe arithmetic).
NEXTSET_LANGUAGES = ("tomita-3", "dyck-2", "shuffle-4", "boolean-5", "anbncn", "reset-dyck-1",
                     "copy", "flare/binary-addition", "flare/stack-manipulation")
PAPER_BINS = ((1, 50, 10_000), (1, 50, 2_000), (51, 100, 2_000), (101, 150, 2_000))



# ------------------------------------------------------------------ workers (one process each)
def draw_bin(lang, lo: int, hi: int, k: int, rng) -> list[tuple[str, ...]]:
    """``k`` members, each of a length drawn uniformly from the lengths in [lo, hi] with members."""
    lengths = [n for n in range(lo, hi + 1) if lang.has_member_of_length(n)]
    if not lengths:
        return []
    per_length = rng.multinomial(k, [1 / len(lengths)] * len(lengths))
    out = []
    for n, c in zip(lengths, per_length):
        if c:
            out += lang.sample_many(n, int(c), rng)
    return out


def work_volume() -> dict:
    import numpy as np

    import langlab

    t0, c0 = time.perf_counter(), time.process_time()
    names = [n for n in langlab.list_languages()
             if "bhattamishra2020" in langlab.load_language(n).tags]
    out = {"languages": len(names), "per_language": {}}
    for name in names:
        t = time.perf_counter()
        lang = langlab.load_language(name)
        rng = np.random.default_rng(2020)
        drawn = sum(len(draw_bin(lang, lo, hi, k, rng)) for lo, hi, k in PAPER_BINS)
        out["per_language"][name] = {"s": time.perf_counter() - t, "strings": drawn}
    out["total_s"], out["total_cpu_s"] = time.perf_counter() - t0, time.process_time() - c0
    return out


def work_nextsets() -> dict:
    import numpy as np

    import langlab

    out = {}
    known = set(langlab.list_languages())
    for name in (n for n in NEXTSET_LANGUAGES if n in known):
        lang = langlab.load_language(name)
        rng = np.random.default_rng(1)
        lang.next_symbols_all(lang.sample(next(m for m in range(20, 40)
                                               if lang.has_member_of_length(m)), rng))  # warm up
        naive_prev = 0.0
        for n in NEXTSET_LENGTHS:
            m = next((m for m in range(n, n + 8) if lang.has_member_of_length(m)), None)
            if m is None:
                continue
            s = lang.sample(m, rng)
            runs = [_timed(lang.next_symbols_all, s) for _ in range(5)]  # best of 5, as timeit
            row = {"incremental_s": min(t for t, _ in runs), "naive_s": None}
            # The baseline grows as n^2: once it passes 2 s, the longer lengths are not timed.
            if naive_prev < 2.0:
                naive_prev, slow = _timed(
                    lambda: [lang.next_symbols(s[:i]) for i in range(len(s) + 1)])
                assert runs[0][1] == slow, f"{name}: next_symbols_all differs per prefix"
                row["naive_s"] = naive_prev
            out[f"{name} @{n}"] = row
    return out


def work_long() -> dict:
    import numpy as np

    import langlab

    out = {}
    for name in langlab.list_languages():
        t_load, lang = _timed(langlab.load_language, name)
        if not (lang.level == "regular" or {"counter", "dyck"} & set(lang.tags)):
            continue
        # Set-up: the first count at length ~500 (every table or DP a sampler needs is built).
        t_count, n = _timed(lambda: next((m for m in range(500, 520) if lang.count(m)), None))
        if n is None:  # no member near 500 (no language of this part, so far)
            continue
        rng = np.random.default_rng(500)
        k = 1000
        t_samples, got = _timed(lang.sample_many, n, k, rng)
        assert len(got) == k and all(len(s) == n for s in got)
        out[name] = {"length": n, "setup_s": t_load + t_count, "samples_per_s": k / t_samples}
    return out


def work_import() -> dict:
    t = time.perf_counter()
    import langlab

    names = langlab.list_languages()
    return {"import_and_list_s": time.perf_counter() - t, "languages": len(names),
            "torch_imported": "torch" in sys.modules}


WORKERS = {"volume": work_volume, "nextsets": work_nextsets, "long": work_long,
           "import": work_import}


# ------------------------------------------------------------------ driver
def run_part(part: str) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--worker", part], cwd=ROOT,
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"worker {part} failed:\n{proc.stderr}")
    return json.loads(proc.stdout)


def stat(values: list[float]) -> tuple[float, float]:
    """Median and spread (max - min) / median."""
    med = statistics.median(values)
    return med, (max(values) - min(values)) / med if med else 0.0


def fmt(x: float) -> str:
    return f"{x:.3g}" if x < 100 else f"{x:,.0f}"


def report(results: dict[str, list[dict]]) -> str:
    out = []
    if "import" in results:
        med, spr = stat([r["import_and_list_s"] for r in results["import"]])
        r0 = results["import"][0]
        out += ["## import langlab; list_languages()", "",
                f"{fmt(med)} s (spread {spr:.0%}; target < 1 s; {r0['languages']} languages; "
                f"torch imported: {r0['torch_imported']})", ""]
    if "volume" in results:
        runs = results["volume"]
        med, spr = stat([r["total_s"] for r in runs])
        cpu, cpu_spr = stat([r["total_cpu_s"] for r in runs])
        out += ["## The 2020 paper's data volume (10,000 + 3 x 2,000 strings per language)", "",
                f"**total {fmt(med)} s** wall (spread {spr:.0%}; target <= 20 s), "
                f"{fmt(cpu)} s CPU (spread {cpu_spr:.0%}), for {runs[0]['languages']} languages",
                "",
                "| language | strings | median s | spread |", "|---|---:|---:|---:|"]
        for name, info in runs[0]["per_language"].items():
            m, s = stat([r["per_language"][name]["s"] for r in runs])
            out.append(f"| {name} | {info['strings']:,} | {fmt(m)} | {s:.0%} |")
        out.append("")
    if "nextsets" in results:
        runs = results["nextsets"]
        out += ["## next_symbols_all over all prefixes vs the per-prefix loop (baseline)", "",
                "| language @ n | incremental ms | naive ms | speed-up | growth inc "
                "| growth naive |",
                "|---|---:|---:|---:|---:|---:|"]
        prev: dict[str, tuple] = {}
        for key in runs[0]:
            name = key.rsplit(" @", 1)[0]
            inc, _ = stat([r[key]["incremental_s"] for r in runs])
            naives = [r[key]["naive_s"] for r in runs if r[key]["naive_s"] is not None]
            naive = stat(naives)[0] if naives else None
            p_inc, p_naive = prev.get(name, (None, None))
            g_inc = f"{math.log2(inc / p_inc):.2f}" if p_inc else ""
            g_naive = f"{math.log2(naive / p_naive):.2f}" if p_naive and naive else ""
            prev[name] = (inc, naive)
            speed = f"{naive / inc:,.0f}x" if naive else "-"
            out.append(f"| {key} | {inc * 1e3:.3g} | {fmt(naive * 1e3) if naive else 'not run'} "
                       f"| {speed} | {g_inc} | {g_naive} |")
        out.append("")
    if "long" in results:
        runs = results["long"]
        out += ["## Length 500: set-up (load + first count) and samples/s (sample_many)", "",
                "| language | n | set-up s | spread | samples/s | spread | ok |",
                "|---|---:|---:|---:|---:|---:|---|"]
        for name, info in runs[0].items():
            su, sus = stat([r[name]["setup_s"] for r in runs])
            sp, sps = stat([r[name]["samples_per_s"] for r in runs])
            ok = "yes" if su < 1 and sp >= 1000 else "**NO**"
            out.append(f"| {name} | {info['length']} | {fmt(su)} | {sus:.0%} | {fmt(sp)} | "
                       f"{sps:.0%} | {ok} |")
        out.append("")
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--parts", default=",".join(PARTS), help=f"comma-separated of {PARTS}")
    ap.add_argument("--json", type=Path, help="also write the raw measurements here")
    ap.add_argument("--worker", choices=PARTS, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        sys.path.insert(0, str(ROOT))
        print(json.dumps(WORKERS[args.worker]()))
        return
    parts = [p for p in args.parts.split(",") if p]
    results: dict[str, list[dict]] = {p: [] for p in parts}
    for i in range(args.repeats):  # interleave parts so slow phases of the machine spread out
        for p in parts:
            results[p].append(run_part(p))
            print(f"repeat {i + 1}/{args.repeats}: {p} done", file=sys.stderr)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    print(report(results))


if __name__ == "__main__":
    main()
