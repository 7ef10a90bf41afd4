"""Attributes every registered language takes from its file: tags and the paper's target convention.

The tables below were recorded when these facts still came partly from elsewhere (tags also from
the Python classes, conventions from a name table in ``langlab.data.targets``); with the language
file as their one source, ``langlab languages``, tag selection in suites and the paper-mode
datasets must see exactly the same sets.
"""

from __future__ import annotations

import pytest

from langlab.data.targets import convention
from langlab.languages.registry import list_languages, load_language

TAGS = {
    "arithmetic": ["flare/binary-addition", "flare/binary-multiplication", "flare/compute-sqrt"],
    "bhattamishra2020": [
        "aa*bb*cc*dd*ee*", "aa-star", "aaaa-star", "abab-star", "anbn", "anbncn", "anbncndn",
        "boolean-3", "boolean-5", "d-12", "d-2", "d-3", "d-4", "dyck-1", "parity", "shuffle-2",
        "shuffle-4", "shuffle-6", "tomita-1", "tomita-2", "tomita-3", "tomita-4", "tomita-5",
        "tomita-6", "tomita-7", "{0,1,2}*02*", "{a,b}*d{b,c}*"],
    "context-sensitive": ["a-pow2", "a-square", "copy", "marked-copy"],
    "copy": ["flare/marked-copy", "flare/missing-duplicate-string"],
    "counter": ["anbmcnm", "anbn", "anbncn", "anbncndn", "boolean-3", "boolean-5", "dyck-1",
                "flare/majority", "reset-dyck-1", "shuffle-2", "shuffle-4", "shuffle-6"],
    "dyck": ["dyck-1", "dyck-2", "dyck-3", "flare/dyck-2-3", "reset-dyck-1"],
    "flare": [
        "flare/binary-addition", "flare/binary-multiplication", "flare/bucket-sort",
        "flare/compute-sqrt", "flare/cycle-navigation", "flare/dyck-2-3", "flare/even-pairs",
        "flare/first", "flare/majority", "flare/marked-copy", "flare/marked-reversal",
        "flare/missing-duplicate-string", "flare/modular-arithmetic-simple", "flare/odds-first",
        "flare/parity", "flare/repeat-01", "flare/stack-manipulation", "flare/unmarked-reversal"],
    "non-star-free": ["aa-star", "aaaa-star", "abab-star", "flare/cycle-navigation",
                      "flare/modular-arithmetic-simple", "flare/parity", "parity", "tomita-3",
                      "tomita-5", "tomita-6"],
    "star-free": ["aa*bb*cc*dd*ee*", "d-12", "d-2", "d-3", "d-4", "flare/dyck-2-3",
                  "flare/even-pairs", "flare/first", "flare/repeat-01", "tomita-1", "tomita-2",
                  "tomita-4", "tomita-7", "{0,1,2}*02*", "{a,b}*d{b,c}*"],
}

# The 2020 paper's conventions (see langlab.data.targets); every other language is "exact".
PAPER = {
    "no-eos": ["tomita-1", "tomita-2", "tomita-3", "tomita-4", "tomita-7", "dyck-1", "dyck-2",
               "dyck-3", "shuffle-2", "shuffle-4", "shuffle-6", "d-2", "d-3", "d-4", "d-12"],
    "membership": ["parity", "tomita-5", "tomita-6", "aa-star", "aaaa-star", "abab-star",
                   "boolean-3", "boolean-5"],
}
# Every language registered when the tables were recorded (each has a tag); languages added
# later get their tags and convention from their own files, unconstrained here.
RECORDED = sorted({n for names in TAGS.values() for n in names})


def test_tag_members_are_unchanged():
    found: dict[str, list[str]] = {}
    for name in RECORDED:
        for tag in load_language(name).tags:
            found.setdefault(tag, []).append(name)
    assert {t: sorted(ns) for t, ns in found.items()} == {t: sorted(ns) for t, ns in TAGS.items()}


@pytest.mark.parametrize("name", RECORDED)
def test_paper_convention_is_unchanged(name):
    lang = load_language(name)
    kind = next((k for k, names in PAPER.items() if name in names), "exact")
    assert lang.paper_targets == kind
    k = len(lang.alphabet)
    columns = {"exact": tuple(range(k + 1)), "no-eos": tuple(range(k)), "membership": (k,)}[kind]
    paper = convention(lang, "paper")
    assert (paper.mode, paper.columns, paper.first_position) == ("paper", columns, 1)
    exact = convention(lang, "exact")
    assert (exact.mode, exact.columns, exact.first_position) == ("exact", tuple(range(k + 1)), 0)


def test_every_recorded_language_is_registered():
    assert set(RECORDED) <= set(list_languages())
    assert {n for names in PAPER.values() for n in names} <= set(RECORDED)
