"""Finite-state "shape" checks on the test bins of reports/flare: how much of a context-sensitive
language's score a regular language already gets under this suite's distribution.

    python reports/flare/shape_baselines.py            # builds the suite's datasets (a minute)

- missing duplicate: accept iff the string has exactly one ``_`` and even length;
- binary multiplication: accept iff it reads ``x×y=z`` with x or y all zeros and z all zeros;
  and, on the isolating runs' test bins (``split.distribution: paper``, FLaRe's own generator
  for the members), accept iff it reads ``x×y=z`` at all (one ``×``, one ``=``, bits between);
- unmarked reversal (w w^R): accept iff the length is even and the 1s at even positions are as
  many as the 1s at odd positions (a counter check: true of every member, and false after any
  one flip); and, weaker and finite-state, iff the length and the number of 1s are even.
Prints the accuracy of each check per test bin, over the same strings the models were scored on.
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


def multiplication_shape(s: str) -> bool:
    return re.fullmatch(r"[01]+×[01]+=[01]+", s) is not None


# (language, split.distribution) -> checks; "uniform" is the suite's own cells
CHECKS = {("flare/missing-duplicate-string", "uniform"): [missing_duplicate],
          ("flare/binary-multiplication", "uniform"): [binary_multiplication],
          ("flare/binary-multiplication", "paper"): [multiplication_shape],
          ("flare/unmarked-reversal", "uniform"): [reversal_balance, reversal_parity]}


def main() -> None:
    jobs = expand(load_suite(SUITE))
    for (name, dist), checks in CHECKS.items():
        job = next(j for j in jobs if j.language == name and j.split["distribution"] == dist)
        ds = build_dataset(load_language(name), task="recognition",
                           spec=SplitSpec.model_validate(job.split), target_mode="exact",
                           **job.task["options"])
        for check in checks:
            for split, data in ds.splits.items():
                if split.startswith("test-"):
                    ok = sum(check("".join(e.tokens)) == (e.label == 1) for e in data.examples)
                    print(f"{name}  {dist}  {check.__name__}  {split}  {100 * ok / len(data.examples):.1f}")


if __name__ == "__main__":
    main()
