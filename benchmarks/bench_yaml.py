"""Speed of YAML-defined languages against issue 3's targets.

- ``import``: ``import langlab; langlab.list_languages()`` with every shipped grammar, in a
  fresh interpreter (target < 1 s; listing reads names only, nothing is compiled).
- ``regex``: a language file with ``regex: (0|1)*1(0|1){4}`` (32-state minimal DFA) and the
  shipped ``tomita-3`` (``dfa:``): set-up = load the file + the counting table up to length
  500 (target < 1 s); then samples/s at length 500 with ``sample_many`` (target >= 1,000).
  Baseline beside it: automata-lib's own regex -> minimal DFA for the same regex (no counts).
  Both set-ups include importing automata-lib (~0.2 s of the total).
- ``cfg``: the ``cfg:`` reference of ``dyck-2.yaml`` (``s: "(" s ")" s | "[" s "]" s |``):
  set-up = load + ambiguity certificate + counting table to length 200 (target < 2 s); then
  samples/s at length 200 (target >= 200). Baseline beside it: the hand-written python
  ``Dyck`` class the same file registers. Plus a larger grammar (arithmetic expressions).

Every measurement of every repeat runs in its own Python process (cold caches, interleaved),
and the table shows the median over repeats and the spread (max - min) / median::

    python benchmarks/bench_yaml.py                  # 5 repeats, markdown on stdout
    python benchmarks/bench_yaml.py --repeats 3 --parts regex --json out.json
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

from _timing import timed as _timed  # benchmarks/ is sys.path[0] when run as a script

ROOT = Path(__file__).resolve().parent.parent
GRAMMARS = ROOT / "langlab" / "grammars"
sys.path.insert(0, str(ROOT))  # run from a checkout without installing
REGEX = "(0|1)*1(0|1){4}"
EXPR = '?e: e "+" t | t\n?t: t "*" f | f\n?f: "x" | "(" e ")"'
# (part, case, metric, unit, target, higher is better)
CASES = [
    ("import", "list languages", "wall", "s", 1.0, False),
    ("regex", "regex file", "setup", "s", 1.0, False),
    ("regex", "regex file", "samples", "/s", 1000, True),
    ("regex", "tomita-3 (dfa)", "setup", "s", 1.0, False),
    ("regex", "tomita-3 (dfa)", "samples", "/s", 1000, True),
    ("regex", "baseline: automata-lib regex->DFA", "setup", "s", None, False),
    ("cfg", "dyck-2 cfg", "setup", "s", 2.0, False),
    ("cfg", "dyck-2 cfg", "samples", "/s", 200, True),
    ("cfg", "expressions cfg", "setup", "s", 2.0, False),
    ("cfg", "expressions cfg", "samples", "/s", 200, True),
    ("cfg", "baseline: python Dyck", "setup", "s", None, False),
    ("cfg", "baseline: python Dyck", "samples", "/s", None, True),
]



def _language(case: str):
    """(loader, length) for a case: the loader builds the language from scratch."""
    from langlab.languages.spec import load_language_file, load_reference_language

    if case == "regex file":
        folder = Path(tempfile.mkdtemp())
        path = folder / "r.yaml"
        path.write_text(f'schema: 1\nname: r\nalphabet: ["0", "1"]\nregex: "{REGEX}"\n')
        return (lambda: load_language_file(path)), 500
    if case == "tomita-3 (dfa)":
        return (lambda: load_language_file(GRAMMARS / "tomita-3.yaml")), 500
    if case == "dyck-2 cfg":
        return (lambda: load_reference_language(GRAMMARS / "dyck-2.yaml")), 200
    if case == "baseline: python Dyck":
        return (lambda: load_language_file(GRAMMARS / "dyck-2.yaml")), 200
    if case == "expressions cfg":
        from langlab.languages.cfg import CFGLanguage

        return (lambda: CFGLanguage("expr", ("x", "+", "*", "(", ")"), EXPR)), 201
    raise SystemExit(f"unknown case {case!r}")


def worker(part: str, case: str, metric: str) -> float:
    if part == "import":  # before anything else is imported (numpy included)
        t = time.perf_counter()
        import langlab

        langlab.list_languages()
        return time.perf_counter() - t
    if case.startswith("baseline: automata"):  # import included, as in the regex set-up
        def compile_regex():
            from automata.fa.dfa import DFA
            from automata.fa.nfa import NFA

            return DFA.from_nfa(NFA.from_regex(REGEX, input_symbols={"0", "1"}), minify=True)

        return _timed(compile_regex)[0]
    import numpy as np

    load, n = _language(case)

    def setup():
        lang = load()
        lang.count(n)
        getattr(lang, "ambiguity", None)
        return lang

    seconds, lang = _timed(setup)
    if metric == "setup":
        return seconds
    k = 2000 if part == "regex" else 500
    seconds, got = _timed(lang.sample_many, n, k, np.random.default_rng(0))
    assert len(got) == k and all(len(s) == n for s in got)
    return k / seconds


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--parts", default="import,regex,cfg")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--worker", nargs=3, metavar=("PART", "CASE", "METRIC"))
    args = ap.parse_args()
    if args.worker:
        print(json.dumps(worker(*args.worker)))
        return
    parts = args.parts.split(",")
    cases = [c for c in CASES if c[0] in parts]
    runs: dict[tuple, list[float]] = {c: [] for c in cases}
    walls: list[float] = []
    for _ in range(args.repeats):
        for c in cases:  # interleaved: every repeat visits every case once
            t = time.perf_counter()
            out = subprocess.run([sys.executable, __file__, "--worker", c[0], c[1], c[2]],
                                 capture_output=True, text=True, cwd=ROOT)
            if out.returncode:
                raise SystemExit(f"{c[:3]} failed:\n{out.stderr}")
            if c[0] == "import":
                walls.append(time.perf_counter() - t)
            runs[c].append(json.loads(out.stdout))
    print(f"{args.repeats} repeats, one process each; spread = (max - min) / median\n")
    print("| part | case | metric | median | spread | target | meets |")
    print("|---|---|---|---|---|---|---|")
    rows = []
    for c, values in runs.items():
        part, case, metric, unit, target, higher = c
        med = statistics.median(values)
        spread = (max(values) - min(values)) / med if med else 0.0
        ok = "" if target is None else ("yes" if (med >= target if higher else med < target)
                                        else "NO")
        shown = f"{med:.3f} {unit}" if unit == "s" else f"{med:,.0f} {unit}"
        goal = "" if target is None else (f">= {target:,} {unit}" if higher else f"< {target} {unit}")
        print(f"| {part} | {case} | {metric} | {shown} | {spread:.0%} | {goal} | {ok} |")
        rows.append({"part": part, "case": case, "metric": metric, "values": values,
                     "median": med, "spread": spread, "target": target, "meets": ok})
    if walls:
        print(f"\nwhole process for `import langlab; list_languages()` (interpreter start "
              f"included): median {statistics.median(walls):.3f} s")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
