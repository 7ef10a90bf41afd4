"""Counter and copy patterns: ``a^n b^m c^(n+m)`` with conditions, and ``w # w`` copies.

Written in a language file as (syntax in :mod:`langlab.languages.pattern.syntax`)::

    pattern:
      blocks: ["a^n", "b^m", "c^(n+m)"]
      where: "n >= 1"

**Counter patterns** (:class:`CounterLanguage`). Counting: the assignments of the variables
whose string has length ``n`` are enumerated (a linear equation, so polynomially many), and
their strings deduplicated through a canonical form (run lengths when units are single tokens),
so ``count`` is the number of *distinct* strings even where two assignments spell the same
one (``a^n a^m``). Sampling draws one of those distinct strings uniformly.

Next-token sets follow every way the prefix can split into blocks (finitely many, tracked
incrementally). A split fixes the exponents of the finished blocks and bounds the current one
from below; it extends to a member iff that small system has a solution in non-negative
integers. Conditions compare a variable with a number or another variable, so only the order
of the unconstrained variables above every constant matters: trying each of them at the values
``0..M-1`` or at ``H+1..H+k`` (H above every constant and the bound) decides it exactly.

**Copy patterns** (:class:`~.copy.CopyLanguage`): one word variable ``w`` over a sub-alphabet,
appearing as ``w`` or ``w^R`` between literal blocks. The length fixes ``|w|`` and ``w`` is
read off its first occurrence, so members of length ``n`` are in bijection with words.

The level is the highest the shape allows (:func:`~langlab.languages.pattern.syntax.shape_level`): regular when no variable ties
two blocks; context-free when ties nest; context-sensitive otherwise.

>>> L = pattern_language("anbmcnm", ("a", "b", "c"), ["a^n", "b^m", "c^(n+m)"], "n >= 1")
>>> [L.count(k) for k in range(7)], L.level
([0, 0, 1, 0, 2, 0, 3], 'context-free')
>>> sorted(L.next_symbols("aab"))
['b', 'c']
>>> W = pattern_language("ww", ("a", "b", "#"), ["w", "#", "w"], "w in {a,b}*")
>>> W.count(5), W.accepts("ab#ab"), W.level
(4, True, 'context-sensitive')
"""

from __future__ import annotations

from collections.abc import Sequence

from langlab.languages.base import Language
from langlab.languages.pattern.copy import CopyLanguage
from langlab.languages.pattern.counter import CounterLanguage
from langlab.languages.pattern.syntax import parse_pattern


def pattern_language(name: str, alphabet: Sequence[str], blocks: list[str], where: str = "",
                     **kw) -> Language:
    """A :class:`CounterLanguage` or :class:`CopyLanguage` for the pattern."""
    p = parse_pattern(list(blocks), where, tuple(alphabet))
    cls = CopyLanguage if p.word is not None else CounterLanguage
    return cls(name, tuple(alphabet), p, **kw)


__all__ = ["pattern_language", "CounterLanguage", "CopyLanguage"]
