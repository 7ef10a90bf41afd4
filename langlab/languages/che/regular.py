"""CHE's regular tasks (Delétang et al. 2023): the input language is a DFA, the output one
class token. Also the shared base :class:`CheDFA` for every CHE task whose inputs are regular.

>>> from langlab.languages.che.regular import ModularArithmetic, CycleNavigation
>>> f = ModularArithmetic().function_form()
>>> f("1+2*3"), f("1-1-1"), f("0*1+4*3-2")
(('2',), ('4',), ('0',))
>>> CycleNavigation().function_form()(">>><")
('2',)
"""

from __future__ import annotations

from collections.abc import Sequence

from langlab.languages.automaton import DFALanguage
from langlab.languages.base import Tokens
from langlab.languages.che import CHE_REF
from langlab.languages.transduce import FunctionForm

BITS = ("0", "1")
DIGITS5 = ("0", "1", "2", "3", "4")


class CheDFA(DFALanguage):
    """A CHE task whose inputs form a regular language; subclasses set ``task``, ``tokens``,
    ``outputs``, ``che_level`` and implement ``_dfa`` and ``apply``."""

    task = ""
    tokens: tuple[str, ...] = ()
    outputs: tuple[str, ...] = ()
    che_level = "regular"
    note = ""

    def __init__(self) -> None:
        start, accept, delta = self._dfa()
        super().__init__(f"che/{self.task}", self.tokens, start, accept, delta,
                         description=(self.__doc__ or "").strip().split("\n")[0])
        self.reference = CHE_REF

    def _dfa(self) -> tuple[object, set, dict]:
        """Default: every nonempty string over ``tokens``."""
        loop = {t: "s" for t in self.tokens}
        return "e", {"s"}, {"e": dict(loop), "s": loop}

    def apply(self, x: Tokens) -> Tokens:
        raise NotImplementedError

    def function_form(self) -> FunctionForm:
        return FunctionForm(self.task, self, self.outputs, self.apply, self.che_level, self.note)


def bit_class(flag: bool) -> Tokens:
    return ("1",) if flag else ("0",)


class EvenPairs(CheDFA):
    """Binary strings; output ``1`` when the number of ``01`` and ``10`` pairs is odd.

    ``001110 -> 0`` (one ``10``, one ``01``), ``0101001 -> 1``. Equivalently: the first and
    last symbols differ (the complement of FLaRe's even pairs membership).
    """

    task, tokens, outputs = "even-pairs", BITS, BITS

    def apply(self, x: Tokens) -> Tokens:
        return bit_class(sum(a != b for a, b in zip(x, x[1:])) % 2 == 1)


class ParityCheck(CheDFA):
    """Binary strings; output ``1`` when the number of ``1`` s is odd (FLaRe parity's
    membership). ``1010100 -> 1``, ``01111 -> 0``."""

    task, tokens, outputs = "parity-check", BITS, BITS

    def apply(self, x: Tokens) -> Tokens:
        return bit_class(x.count("1") % 2 == 1)


class CycleNavigation(CheDFA):
    """Moves on a 5-cycle from position 0 (``<`` left, ``=`` stay, ``>`` right, FLaRe's tokens
    for CHE's actions 0/1/2); output the final position ``0``-``4``."""

    task, tokens, outputs = "cycle-navigation", ("<", "=", ">"), DIGITS5

    def apply(self, x: Tokens) -> Tokens:
        step = {"<": -1, "=": 0, ">": 1}
        return (str(sum(step[t] for t in x) % 5),)


class ModularArithmetic(CheDFA):
    """Digits ``0``-``4`` joined by ``+ - *`` (odd lengths), evaluated mod 5 with the usual
    precedence (``*`` first), as CHE computes it; output the value.

    FLaRe's modular-arithmetic-simple evaluates strictly left to right instead, so the two
    share the inputs but not the function.
    """

    task, tokens, outputs = "modular-arithmetic", (*DIGITS5, "+", "-", "*"), DIGITS5
    note = "precedence as in CHE's code (FLaRe's language evaluates left to right)"

    def _dfa(self):
        digit = {d: "op" for d in DIGITS5}
        return "d", {"op"}, {"d": digit, "op": {o: "d" for o in "+-*"}}

    def apply(self, x: Tokens) -> Tokens:
        return (str(evaluate_simple(x) % 5),)


def evaluate_simple(x: Sequence[str]) -> int:
    """``d op d op ... d`` with ``*`` before ``+``/``-`` (integers, no modulus)."""
    total, term, sign = 0, int(x[0]), 1
    for op, d in zip(x[1::2], x[2::2]):
        if op == "*":
            term *= int(d)
        else:
            total += sign * term
            term, sign = int(d), (1 if op == "+" else -1)
    return total + sign * term
