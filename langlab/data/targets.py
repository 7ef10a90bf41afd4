"""Target conventions: ``exact`` (langlab's) and ``paper`` (Bhattamishra, Ahuja & Goyal 2020).

In ``exact`` mode the next-symbol task scores the k-hot set ``next_symbols(prefix)`` over
alphabet + EOS at every position 0..n (position i: after i tokens, 0 = the empty prefix).

In ``paper`` mode it scores what the paper's public code trained on (its
``src/utils/*_generator.py``):
outputs only after each symbol (positions 1..n, never the empty prefix), and

- ``no-eos``: the alphabet columns only; the paper had no end bit. Tomita 1, 2, 3, 4, 7
  (``tomita_generator.py``) and, by the same code reading, Dyck-k (``dyck_generator.py``:
  every opening bracket plus the closer of the top of the stack), Shuffle-k
  (``shuffle_generator.py``) and D_n (``starfree_generator.py``, two bits: a / b allowed);
- ``membership``: the EOS column only, which at position i is 1 iff the prefix of i tokens is a
  member -- the paper's single membership bit (in these languages every symbol always keeps a
  prefix alive, so the other columns are constant). Parity, Tomita 5, 6, (aa)*, (aaaa)* (the
  same ``AAStarLanguage`` code as (aa)*), (abab)*, Boolean-3/5;
- every other language: all columns (alphabet + EOS).

Which convention a language gets is a key of its own file, ``paper_targets: no-eos`` or
``paper_targets: membership`` (absent: ``exact``, all columns), read into
``Language.paper_targets``; the files of the languages named above carry it.

>>> from langlab.languages.automaton import DFALanguage
>>> L = DFALanguage("parity", ("0", "1"), 0, {0}, {0: {"0": 0, "1": 1}, 1: {"0": 1, "1": 0}})
>>> convention(L, "paper")
TargetConvention(mode='paper', columns=(0, 1, 2), first_position=1)
>>> L.paper_targets = "membership"     # as its file says (grammars/parity.yaml)
>>> convention(L, "paper")
TargetConvention(mode='paper', columns=(2,), first_position=1)
>>> convention(L, "exact")
TargetConvention(mode='exact', columns=(0, 1, 2), first_position=0)
"""

from __future__ import annotations

from langlab.data.tensors import TargetConvention
from langlab.errors import LanglabError
from langlab.languages.base import PAPER_TARGETS, Language


def paper_kind(lang: Language) -> str:
    """``"no-eos"``, ``"membership"`` or ``"exact"``: the paper's convention for ``lang``."""
    kind = lang.paper_targets
    if kind not in PAPER_TARGETS:
        raise LanglabError(f"{lang.name}: paper_targets must be one of "
                           f"{', '.join(PAPER_TARGETS)}, not {kind!r}")
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
