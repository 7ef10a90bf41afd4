"""Finite-state "shape" checks on the test bins of reports/flare: how much of a context-sensitive
language's score a regular language already gets under this suite's distribution.

    python reports/flare/shape_baselines.py            # builds the suite's datasets (a minute)

- missing duplicate: accept iff the string has exactly one ``_`` and even length;
- binary multiplication: accept iff it reads ``x×y=z`` with x or y all zeros and z all zeros;
  and, on the isolating runs' test bins (``split.distribution: paper``, FLaRe's own generator
  for the members), accept iff it reads ``x×y=z`` at all (one ``×``, one ``=``, bits between);
- unmarked reversal (w w^R): accept iff the length is even and the 1s at even positions are as
  many as the 1s at odd positions (a counter check: true of every member, and false after any
  one flip); and, weaker and finite-state, iff the length and the number of 1s are even;
- bucket sort: accept iff it reads ``w#v`` with v in non-decreasing order (finite-state, five
  symbols).
Prints the accuracy of each check per test bin, over the same strings the models were scored on,
and on the bins of permuted negatives that ``langlab eval --negatives permuted`` added to the
committed store (41-80, 81-160, 161-320, 321-500; the same strings, drawn from the same seed).
"""

from __future__ import annotations

import re
from pathlib import Path

from langlab import load_language
from langlab.data import SplitSpec
from langlab.harness.suite import expand, load_suite
from langlab.tasks import build_dataset

SUITE = Path(__file__).resolve().parents[2] / "suites" / "flare.yaml"


def missing_duplicate(s: str) -> bool:
    return s.count("_") == 1 and len(s) % 2 == 0


def binary_multiplication(s: str) -> bool:
    m = re.fullmatch(r"([01]+)×([01]+)=([01]+)", s)
    return bool(m) and ("1" not in m[1] or "1" not in m[2]) and "1" not in m[3]


def reversal_balance(s: str) -> bool:
    return len(s) % 2 == 0 and s[0::2].count("1") == s[1::2].count("1")


def reversal_parity(s: str) -> bool:
    return len(s) % 2 == 0 and s.count("1") % 2 == 0


def sorted_output(s: str) -> bool:
    w, sep, v = s.partition("#")
    return sep == "#" and "#" not in v and list(v) == sorted(v)


def multiplication_shape(s: str) -> bool:
    return re.fullmatch(r"[01]+×[01]+=[01]+", s) is not None


# (language, split.distribution) -> checks; "uniform" is the suite's own cells
CHECKS = {("flare/missing-duplicate-string", "uniform"): [missing_duplicate],
          ("flare/binary-multiplication", "uniform"): [binary_multiplication],
          ("flare/binary-multiplication", "paper"): [multiplication_shape],
          ("flare/unmarked-reversal", "uniform"): [reversal_balance, reversal_parity],
          ("flare/bucket-sort", "uniform"): [sorted_output]}
PERMUTED = [{"lo": lo, "hi": hi, "size": 10 * (hi - lo + 1), "negatives": "permuted"}
            for lo, hi in ((41, 80), (81, 160), (161, 320), (321, 500))]


def main() -> None:
    jobs = expand(load_suite(SUITE))
    for (name, dist), checks in CHECKS.items():
        job = next(j for j in jobs if j.language == name and j.split["distribution"] == dist)
        # the suite's own test bins, then the permuted bins as
        # langlab eval drew them: the run's split with its test bins replaced
        specs = [job.split, {**job.split, "test": PERMUTED}]
        splits = {}
        for spec in specs:
            ds = build_dataset(load_language(name), task="recognition",
                               spec=SplitSpec.model_validate(spec), target_mode="exact",
                               **job.task["options"])
            splits.update((k, v) for k, v in ds.splits.items() if k.startswith("test-"))
        for check in checks:
            for split, data in splits.items():
                ok = sum(check("".join(e.tokens)) == (e.label == 1) for e in data.examples)
                print(f"{name}  {dist}  {check.__name__}  {split}  {100 * ok / len(data.examples):.1f}")


if __name__ == "__main__":
    main()
