"""What a stored run's numbers depend on, recorded with every row.

Two values go into the store beside the langlab version:

- ``fingerprint``: the *numbers version*, ``n<NUMBERS_VERSION>.d<DATA_VERSION>``, followed by
  ``.<model><version>`` for a model listed in :data:`MODEL_NUMBERS`. Two runs with the same job
  description and the same fingerprint give the same numbers on the same machine.
  ``NUMBERS_VERSION`` is bumped by hand whenever a change alters what a run computes (the
  training loop, a task's loss or metrics), a model's entry in ``MODEL_NUMBERS`` when a change
  alters that model's numbers alone (so rows of other models stay current); ``DATA_VERSION``
  (:mod:`langlab.data.cache`) whenever dataset generation changes. ``langlab report`` marks
  every row whose fingerprint is not the running code's for its model.
- ``code_hash``: a hash of the source of every module that decides a run's numbers (data,
  languages and their YAML files, models, tasks, the training loop). It changes with any edit, refactors included,
  so it is a diagnostic ("which code wrote this row?"), not a verdict.

What keeps ``fingerprint`` honest is the reproduction guard (``tests/test_reproduce.py``): it
reruns a few cheap runs of every committed report and compares every bin exactly. A change that
alters numbers without a bump fails it, naming the reports to regenerate.

>>> fingerprint().startswith("n"), len(code_hash())
(True, 12)
>>> fingerprint("tape-rnn") == fingerprint() + ".tape-rnn2"
True
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from langlab.data.cache import DATA_VERSION

# Bump when a change alters the numbers a run produces, then regenerate the committed reports
# (the reproduction guard names them). 1: the numbers of reports/ as of December 2026.
NUMBERS_VERSION = 1
# A model's own numbers version, where a change altered its numbers alone. tape-rnn 2: the tape
# moves in the Fourier domain (the same function, rounded differently).
MODEL_NUMBERS: dict[str, int] = {"tape-rnn": 2}

_ROOT = Path(__file__).resolve().parents[1]
# The code paths that decide a run's numbers, relative to the package.
NUMBER_PATHS = ("data", "languages", "grammars", "models", "tasks", "tasks.py", "harness/train.py")


def fingerprint(model: str | None = None) -> str:
    """The numbers version of the running code for a run of ``model``, e.g. ``"n1.d3"``."""
    base = f"n{NUMBERS_VERSION}.d{DATA_VERSION}"
    return f"{base}.{model}{MODEL_NUMBERS[model]}" if model in MODEL_NUMBERS else base


@functools.cache
def code_hash() -> str:
    """12 hex digits of the source of every module in :data:`NUMBER_PATHS`."""
    h = hashlib.sha256()
    for rel in NUMBER_PATHS:
        path = _ROOT / rel
        files = (sorted(f for f in path.rglob("*") if f.suffix in (".py", ".yaml"))
                 if path.is_dir() else [path] if path.is_file() else [])
        for f in files:
            h.update(str(f.relative_to(_ROOT)).encode())
            h.update(f.read_bytes())
    return h.hexdigest()[:12]


__all__ = ["MODEL_NUMBERS", "NUMBERS_VERSION", "fingerprint", "code_hash"]
