"""Delétang et al. (ICLR 2023, "Neural Networks and the Chomsky Hierarchy"), Table 2: CHE's
score per task and architecture, in percent: per-token accuracy averaged over the test lengths
41-500, the maximum over 10 seeds and 3 learning rates (the Transformer: the best of its
positional encodings). It is our ``che_score`` metric of the ``transduction`` task, not its
``accuracy`` (whole outputs right).

Each row says whether it was checked against the paper's own table (``status``). All 15 are
**unverified**: six are the rows issue 14 found reprinted in later work; the other nine were
transcribed without a copy of the paper at hand (the six reprinted rows agree with that
transcription digit for digit). Whoever reads the paper's Table 2 should check them and set
``status`` to ``verified``.

>>> rows = table2()
>>> len(rows), rows[0].task, rows[0].scores["tape-rnn"], rows[0].verified
(15, 'even-pairs', 100.0, False)
>>> solved("che/parity-check", "transformer")
False
"""

from __future__ import annotations

import csv
import functools
import io
from dataclasses import dataclass, field
from importlib import resources

MODELS = ("rnn", "stack-rnn", "tape-rnn", "transformer", "lstm")   # our registry names
SOLVED = 90.0   # the report's line between "solves" and "does not"


@dataclass(frozen=True)
class CheRow:
    task: str
    language: str
    chomsky: str
    scores: dict[str, float] = field(default_factory=dict)
    verified: bool = False
    source: str = ""


@functools.cache
def table2() -> tuple[CheRow, ...]:
    """Every row of ``deletang2023_table2.csv``, in file order."""
    text = resources.files(__package__).joinpath("deletang2023_table2.csv").read_text("utf-8")
    return tuple(CheRow(r["task"], r["language"], r["chomsky"],
                        {m: float(r[m]) for m in MODELS if r[m].strip()},
                        r["status"] == "verified", r["source"])
                 for r in csv.DictReader(io.StringIO(text)))


def published(language: str, model: str) -> float | None:
    """CHE's Table 2 score (percent) of ``model`` on ``language``, or None."""
    for row in table2():
        if row.language == language:
            return row.scores.get(model)
    return None


def solved(language: str, model: str) -> bool | None:
    """Whether Table 2 has ``model`` solving ``language`` (score >= 90), or None."""
    score = published(language, model)
    return None if score is None else score >= SOLVED
