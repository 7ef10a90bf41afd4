"""FLaRe's seven regular languages (Butoi et al., ICLR 2025, "Training Neural Networks as
Recognizers of Formal Languages"), each a small DFA run by :class:`DFALanguage`.

Definitions follow the paper and were settled against every label of FLaRe's published data
(training set, ``validation-long`` and ``test-short-held-out``): tests/test_languages_flare.py.
Tokens are exactly FLaRe's. Counts and uniform sampling come from the DFA path counts, exact at
any length.

>>> from langlab.languages.flare.regular import CycleNavigation
>>> L = CycleNavigation()
>>> L.accepts("><<4"), L.accepts(">>=2"), L.accepts(">2"), L.count(10)
(True, True, False, 19683)
"""

from __future__ import annotations

from langlab.languages.automaton import DFALanguage
from langlab.languages.flare import FLARE_REF


class _FlareDFA(DFALanguage):
    """A FLaRe regular language: subclasses give the DFA through ``_dfa()``."""

    flare_name = ""
    tokens: tuple[str, ...] = ()

    def __init__(self) -> None:
        start, accept, delta = self._dfa()
        super().__init__(f"flare/{self.flare_name}", self.tokens, start, accept, delta,
                         description=(self.__doc__ or "").strip().split("\n")[0])
        self.reference = FLARE_REF

    def _dfa(self) -> tuple[object, set, dict]:
        raise NotImplementedError


class EvenPairs(_FlareDFA):
    """Binary strings that are empty or whose first symbol equals their last.

    Equivalently: the number of ``01`` and ``10`` pairs (adjacent, differing) is even. Edge
    cases (from FLaRe's labels): the empty string and every one-symbol string are members.
    Accept: ``""``, ``"0"``, ``"1"``, ``"0110"``, ``"101"``. Reject: ``"01"``, ``"1000"``.
    ``count(n) = 2^(n-1)`` for ``n >= 1``.
    """

    flare_name, tokens = "even-pairs", ("0", "1")

    def _dfa(self):
        # (first symbol, last symbol); "e" is the empty string.
        delta = {"e": {"0": "00", "1": "11"}}
        for f in "01":
            for last in "01":
                delta[f + last] = {b: f + b for b in "01"}
        return "e", {"e", "00", "11"}, delta


class Repeat01(_FlareDFA):
    """``(01)*``: zero or more repetitions of ``01``.

    Accept: ``""``, ``"01"``, ``"0101"``. Reject: ``"0"``, ``"10"``, ``"010"``, ``"0110"``.
    ``count(n)`` is 1 for even ``n`` and 0 for odd ``n``.
    """

    flare_name, tokens = "repeat-01", ("0", "1")

    def _dfa(self):
        return "even", {"even"}, {"even": {"0": "odd"}, "odd": {"1": "even"}}


class FlareParity(_FlareDFA):
    """Binary strings with an ODD number of 1s (FLaRe's Parity; not the 2020 paper's ``parity``,
    which asks for an even number).

    Edge case: the empty string has zero 1s and is rejected (FLaRe's labels say so).
    Accept: ``"1"``, ``"01"``, ``"111"``, ``"1011"``. Reject: ``""``, ``"0"``, ``"11"``, ``"0110"``.
    ``count(n) = 2^(n-1)`` for ``n >= 1``.
    """

    flare_name, tokens = "parity", ("0", "1")

    def _dfa(self):
        return "even", {"odd"}, {"even": {"0": "even", "1": "odd"},
                                 "odd": {"0": "odd", "1": "even"}}


class CycleNavigation(_FlareDFA):
    """Moves on a cycle of 5 positions, then the final position as a digit.

    A member is ``m_1 ... m_k d`` (``k >= 0``) with moves ``<`` (one step left, ``-1 mod 5``),
    ``=`` (stay), ``>`` (one step right, ``+1 mod 5``) starting at position 0, and ``d`` in
    ``0..4`` the position reached. Edge cases: no moves is allowed (``"0"`` is a member); the
    empty string and anything after the digit are rejected.
    Accept: ``"0"``, ``"><<4"`` (0→1→0→4), ``">>=2"``, ``"<<<<<0"``. Reject: ``""``, ``"1"``,
    ``">"``, ``">1>"``, ``"02"``. ``count(n) = 3^(n-1)`` for ``n >= 1``.
    """

    flare_name = "cycle-navigation"
    tokens = ("<", "=", ">", "0", "1", "2", "3", "4")

    def _dfa(self):
        delta: dict = {}
        for p in range(5):
            delta[p] = {"<": (p - 1) % 5, "=": p, ">": (p + 1) % 5, str(p): "done"}
        return 0, {"done"}, delta


class ModularArithmeticSimple(_FlareDFA):
    """An expression over digits ``0..4`` with ``+ - *``, ``=``, and its value mod 5.

    A member is ``d_0 o_1 d_1 ... o_k d_k = r`` (``k >= 0``): digits ``d_i`` in ``0..4``,
    operators ``o_i`` in ``+ - *``, evaluated strictly left to right (no precedence), each step
    reduced mod 5 (``-`` wraps: ``1 - 2`` is 4), and ``r`` the final value. Edge cases: a lone
    digit is an expression (``"3=3"`` is a member); a second ``=``, multi-digit numbers and
    empty operands are rejected. Accept: ``"3=3"``, ``"1-2=4"``, ``"2+3*4=0"`` ((2+3)*4 = 20),
    ``"4*4-1=0"``. Reject: ``""``, ``"3"``, ``"2+3*4=4"`` (that is precedence), ``"1+=1"``,
    ``"12=2"``, ``"1=1=1"``. Members have odd length ``2k+3``: ``count(2k+3) = 5^(k+1) 3^k``.
    """

    flare_name = "modular-arithmetic-simple"
    tokens = ("0", "1", "2", "3", "4", "+", "-", "*", "=")

    def _dfa(self):
        ops = {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b}
        # "start"; v (an int, value so far after a digit); (v, op) awaiting a digit;
        # ("=", v) awaiting the result digit; "done".
        delta: dict = {"start": {str(d): d for d in range(5)}}
        for v in range(5):
            delta[v] = {o: (v, o) for o in ops}
            delta[v]["="] = ("=", v)
            for o, f in ops.items():
                delta[(v, o)] = {str(d): f(v, d) % 5 for d in range(5)}
            delta[("=", v)] = {str(v): "done"}
        return "start", {"done"}, delta


class Dyck23(_FlareDFA):
    """Dyck-(2, 3): balanced strings over two bracket pairs ``(0 )0`` and ``(1 )1`` with
    nesting depth at most 3.

    Every ``)i`` closes the most recent unclosed bracket, which must be ``(i``; at most 3
    brackets are open at any point; all are closed at the end. Edge case: the empty string is
    a member. Accept: ``""``, ``"(0 )0"``, ``"(0 (1 )1 )0 (1 )1"``, ``"(1 (0 (0 )0 )0 )1"``.
    Reject: ``"(0 )1"``, ``"(0"``, ``")0 (0"``, ``"(0 (0 (0 (0 )0 )0 )0 )0"`` (depth 4).
    """

    flare_name = "dyck-2-3"
    tokens = ("(0", ")0", "(1", ")1")

    def _dfa(self):
        # A state is the stack of open bracket types, as a string such as "01".
        delta: dict = {}
        stacks = [""]
        for s in stacks:
            row = {}
            if len(s) < 3:
                for b in "01":
                    row["(" + b] = s + b
                    stacks.append(s + b)
            if s:
                row[")" + s[-1]] = s[:-1]
            delta[s] = row
        return "", {""}, delta


class First(_FlareDFA):
    """Binary strings whose first symbol is 1.

    Edge case: the empty string is rejected. Accept: ``"1"``, ``"10"``, ``"1001"``.
    Reject: ``""``, ``"0"``, ``"01"``. ``count(n) = 2^(n-1)`` for ``n >= 1``.
    """

    flare_name, tokens = "first", ("0", "1")

    def _dfa(self):
        return "start", {"one"}, {"start": {"1": "one"}, "one": {"0": "one", "1": "one"}}
