"""Target conventions: ``exact`` (langlab's) and ``paper`` (Bhattamishra, Ahuja & Goyal 2020).

In ``exact`` mode the next-symbol task scores the k-hot set ``next_symbols(prefix)`` over
alphabet + EOS at every position 0..n (position i: after i tokens, 0 = the empty prefix).

In ``paper`` mode it scores what the paper's public code trained on (its ``src/utils/*_generator.py``):
outputs only after each symbol (positions 1..n, never the empty prefix), and

- ``no-eos`` (Tomita 1, 2, 3, 4, 7): the alphabet columns only; the paper had no end bit;
- ``membership`` (Parity, Tomita 5, 6, (aa)*, (abab)*, Boolean-3/5): the EOS column only, which
  at position i is 1 iff the prefix of i tokens is a member -- the paper's single membership bit
  (for these languages every symbol always keeps a prefix alive, so the rest is constant);
- every other language: all columns (alphabet + EOS).

The convention is a property of the paper's protocol, so it is listed here, by the paper's
language names; a language may override it with an attribute ``paper_targets``.

>>> from langlab.languages.automaton import DFALanguage
>>> L = DFALanguage("parity", ("0", "1"), 0, {0}, {0: {"0": 0, "1": 1}, 1: {"0": 1, "1": 0}})
>>> convention(L, "paper")
TargetConvention(mode='paper', columns=(2,), first_position=1)
>>> convention(L, "exact")
TargetConvention(mode='exact', columns=(0, 1, 2), first_position=0)
"""

from __future__ import annotations

from langlab.data.tensors import TargetConvention
from langlab.errors import LanglabError
from langlab.languages.base import Language

PAPER_TARGETS = {
    **dict.fromkeys(("tomita-1", "tomita-2", "tomita-3", "tomita-4", "tomita-7"), "no-eos"),
    **dict.fromkeys(("parity", "tomita-5", "tomita-6", "aa-star", "abab-star", "boolean-3",
                     "boolean-5"), "membership"),
}
KINDS = ("exact", "no-eos", "membership")


def paper_kind(lang: Language) -> str:
    """``"no-eos"``, ``"membership"`` or ``"exact"``: the paper's convention for ``lang``."""
    kind = getattr(lang, "paper_targets", None) or PAPER_TARGETS.get(lang.name, "exact")
    if kind not in KINDS:
        raise LanglabError(f"{lang.name}: paper_targets must be one of {', '.join(KINDS)}, "
                           f"not {kind!r}")
    return kind


def convention(lang: Language, mode: str) -> TargetConvention:
    """The scored columns and first scored position of ``lang`` under ``mode``."""
    k = len(lang.alphabet)
    every = tuple(range(k + 1))
    if mode == "exact":
        return TargetConvention("exact", every, 0)
    kind = paper_kind(lang)
    columns = {"exact": every, "no-eos": tuple(range(k)), "membership": (k,)}[kind]
    return TargetConvention("paper", columns, 1)
