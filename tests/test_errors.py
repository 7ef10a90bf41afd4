"""The one "did you mean" helper: its table of hints, and that nothing else suggests names."""

from __future__ import annotations

from pathlib import Path

import pytest

from langlab.errors import SUGGEST_CUTOFF, UnknownNameError, did_you_mean

LANGLAB = Path(__file__).resolve().parents[1] / "langlab"


@pytest.mark.parametrize("word, known, n, hint", [
    ("hiden", ["hidden", "layers", "dropout"], 1, "; did you mean 'hidden'?"),
    ("lstmm", ["lstm", "transformer", "ssm"], 1, "; did you mean 'lstm'?"),
    ("regualr", ["regular", "context-free", "context-sensitive"], 1, "; did you mean 'regular'?"),
    ("acept", ("accept", "reject"), 1, "; did you mean 'accept'?"),
    # closest first
    ("dyk-2", ["dyck-1", "dyck-2", "parity"], 3, "; did you mean 'dyck-2' or 'dyck-1'?"),
    # equally close words come in sorted order, whatever the order of ``known``
    ("dyck", ["dyck-2", "dyck-1"], 3, "; did you mean 'dyck-1' or 'dyck-2'?"),
    ("ab", ["abe", "abc", "abd"], 3, "; did you mean 'abc', 'abd' or 'abe'?"),
    ("ab", ["abe", "abc", "abd"], 1, "; did you mean 'abc'?"),
    ("ab", ["abc", "abc"], 3, "; did you mean 'abc'?"),  # a repeated known word once
    # the cutoff: a ratio of exactly 0.6 is offered (2*3 / (3+7)), 0.57 is not (2*2 / (2+5))
    ("abc", ["abcxyzw"], 1, "; did you mean 'abcxyzw'?"),
    ("ab", ["abxyz"], 1, ""),
    ("zzz", ["hidden", "layers"], 1, ""),
    ("x", [], 1, ""),
    ("it's", ["its"], 1, "; did you mean 'its'?"),
])
def test_did_you_mean(word, known, n, hint):
    assert did_you_mean(word, known, n) == hint


def test_cutoff_is_difflibs_default():
    assert SUGGEST_CUTOFF == 0.6


def test_unknown_name_error_offers_up_to_three_names():
    e = UnknownNameError("language", "dyck", ["dyck-1", "dyck-2", "dyck-3", "dyck-4", "parity"])
    assert str(e) == "unknown language 'dyck'; did you mean 'dyck-1', 'dyck-2' or 'dyck-3'?"
    assert str(UnknownNameError("model", "zzz", ["lstm"])) == "unknown model 'zzz'"


def test_no_other_module_suggests_names():
    """Every hint comes from :func:`did_you_mean`, so all share one cutoff and one wording."""
    users = sorted(str(p.relative_to(LANGLAB)) for p in LANGLAB.rglob("*.py")
                   if "difflib" in p.read_text(encoding="utf-8"))
    assert users == ["errors.py"]
