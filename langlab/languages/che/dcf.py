"""CHE's deterministic context-free tasks (Delétang et al. 2023): stack manipulation, reverse
string, modular arithmetic with brackets and solve equation.

The bracket expressions follow CHE's generator: of length 1 ``d``, 2 ``-d``, 3 ``(d)``, 4
``(-d)``, and from 5 on ``(E op E)``; ``modular-arithmetic-brackets`` uses ``+ - *`` (the
paper's setting, ``mult=True``), ``solve-equation`` ``+ -`` with one digit replaced by ``x``,
then ``=`` and the value. The grammar is unambiguous (an ``E`` after ``(`` ends where its first
token says), so counts of derivations are counts of strings; inputs are drawn uniformly from
those counts with an exact unranking walk.

>>> from langlab.languages.che.dcf import Brackets, StackManipulation
>>> L = Brackets()
>>> L.function_form()("((1+2)*-3)"), L.count(1), L.count(5)
(('1',), 5, 75)
>>> StackManipulation().function_form()("0 1 1 0 PUSH1 POP POP")
('1', '1', '0', '$')
>>> Brackets(solve=True).function_form()("(x-3)=1")
('4',)
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from itertools import accumulate

import numpy as np

from langlab.languages.base import EOS, Language, Tokens, randbelow
from langlab.languages.che import CHE_REF
from langlab.languages.che.regular import BITS, DIGITS5, CheDFA
from langlab.languages.flare import copy as flare_copy
from langlab.languages.transduce import FunctionForm

END = "$"
_SHORT = (("D",), ("-", "D"), ("(", "D", ")"), ("(", "-", "D", ")"))


class StackManipulation(CheDFA):
    """A stack of bits written bottom to top (at least one), then actions ``POP``, ``PUSH0``,
    ``PUSH1`` (at least one, except at length 1); output the final stack top to bottom, then
    ``$``. A ``POP`` on the empty stack is ignored, as in CHE."""

    task, tokens, che_level = "stack-manipulation", (*BITS, "POP", "PUSH0", "PUSH1"), "context-free"
    outputs = (*BITS, END)

    def _dfa(self):
        acts = {"POP": "c", "PUSH0": "c", "PUSH1": "c"}
        bits = {"0": "b", "1": "b"}
        return "s", {"a", "c"}, {"s": {"0": "a", "1": "a"}, "a": {**bits, **acts},
                                 "b": {**bits, **acts}, "c": acts}

    def apply(self, x: Tokens) -> Tokens:
        stack = [t for t in x if t in BITS]
        for t in x[len(stack):]:
            if t == "POP":
                if stack:
                    stack.pop()
            else:
                stack.append(t[-1])
        return (*stack[::-1], END)


class ReverseString(CheDFA):
    """Binary strings; output them reversed (``flare/marked-reversal``'s ``transform``)."""

    task, tokens, outputs, che_level = "reverse-string", BITS, BITS, "context-free"

    def apply(self, x: Tokens) -> Tokens:
        return flare_copy.MarkedReversal().transform(x)


class Brackets(Language):
    """Modular arithmetic with brackets (``solve=False``), or solve equation (``solve=True``):
    ``E' = v`` where ``E'`` is a ``+ -`` bracket expression with one digit replaced by ``x``;
    output the digit."""

    level = "context-free"

    def __init__(self, solve: bool = False) -> None:
        self.solve = bool(solve)
        self.ops = ("+", "-") if self.solve else ("+", "-", "*")
        extra = ("x", "=") if self.solve else ()
        self.alphabet = (*DIGITS5, *self.ops, "(", ")", *extra)
        self.task = "solve-equation" if self.solve else "modular-arithmetic-brackets"
        self.name = f"che/{self.task}"
        self.description = (self.__doc__ or "").strip().split("\n")[0]
        self.reference = CHE_REF
        self._w = [0, 5, 5, 5, 5]   # strings of E of each length without x
        self._x = [0, 1, 1, 1, 1]   # ... with exactly one x
        self._cum: dict[tuple[int, bool], list[int]] = {}

    # ------------------------------------------------------------------ counting
    def _grow(self, n: int) -> None:
        w, x, k = self._w, self._x, len(self.ops)
        while len(w) <= n:
            m = len(w)
            w.append(k * sum(w[a] * w[m - 3 - a] for a in range(1, m - 3)))
            x.append(k * sum(x[a] * w[m - 3 - a] + w[a] * x[m - 3 - a] for a in range(1, m - 3)))

    def count(self, n: int) -> int:
        if self.solve:
            if n < 3:
                return 0
            self._grow(n - 2)
            return 5 * self._x[n - 2]
        if n < 1:
            return 0
        self._grow(n)
        return self._w[n]

    # ------------------------------------------------------------------ sampling
    def sample(self, n: int, rng: np.random.Generator) -> Tokens | None:
        if self.count(n) == 0:
            return None
        if not self.solve:
            return tuple(self._draw(n, False, rng))
        expr = self._draw(n - 2, True, rng)
        return (*expr, "=", DIGITS5[int(rng.integers(5))])

    def _splits(self, n: int, with_x: bool) -> list[int]:
        """Cumulative weights of (left length, x on the left) choices for ``(E op E)``."""
        key = (n, with_x)
        if key not in self._cum:
            w, x = self._w, self._x
            parts = []
            for a in range(1, n - 3):
                b = n - 3 - a
                parts += [x[a] * w[b], w[a] * x[b]] if with_x else [w[a] * w[b]]
            self._cum[key] = list(accumulate(parts))
        return self._cum[key]

    def _draw(self, n: int, with_x: bool, rng: np.random.Generator) -> list[str]:
        def slot() -> str:
            return "x" if with_x else DIGITS5[int(rng.integers(5))]
        if n <= 4:   # d, -d, (d), (-d)
            return [slot() if t == "D" else t for t in _SHORT[n - 1]]
        cum = self._splits(n, with_x)
        r = randbelow(rng, cum[-1])
        j = bisect_right(cum, r)
        a = 1 + (j // 2 if with_x else j)
        left_x = with_x and j % 2 == 0
        op = self.ops[int(rng.integers(len(self.ops)))]
        return ["(", *self._draw(a, left_x, rng), op,
                *self._draw(n - 3 - a, with_x and not left_x, rng), ")"]

    # ------------------------------------------------------------------ recognizing
    def _start(self) -> tuple[tuple[str, ...], bool]:
        return (("E", "=", "V") if self.solve else ("E",)), False

    def _step(self, state, t: str):
        """One LL(1) step; None when ``t`` cannot come next. Stack symbols: E an expression,
        Q what follows ``(``, R what follows ``(d`` or ``(-d``, D a digit slot, O an operator,
        V the value; other symbols are literal tokens."""
        stack, seen = state
        if not stack:
            return None
        top, rest = stack[0], stack[1:]
        slot = t in DIGITS5 or (t == "x" and self.solve and not seen)
        seen = seen or t == "x"
        if top == "E":
            new = () if slot else ("D",) if t == "-" else ("Q",) if t == "(" else None
        elif top == "Q":
            new = (("R",) if slot else ("D", "R") if t == "-" else
                   ("Q", "O", "E", ")") if t == "(" else None)
        elif top == "R":
            new = () if t == ")" else ("E", ")") if t in self.ops else None
        elif top == "D":
            new = () if slot else None
        elif top == "O":
            new = () if t in self.ops else None
        elif top == "V":
            new = () if t in DIGITS5 else None
        else:
            new = () if t == top else None
        if new is None or (t == "x" and not slot):
            return None
        state = (new + rest, seen)
        return state if self._live(state) else None

    def _live(self, state) -> bool:
        stack, seen = state
        return not self.solve or seen or any(s in "EQRD" for s in stack)

    def _run(self, toks: Sequence[str]):
        state = self._start()
        for t in toks:
            state = self._step(state, t)
            if state is None:
                return None
        return state

    def accepts(self, s: Sequence[str] | str) -> bool:
        state = self._run(self.tokenize(s))
        return state is not None and not state[0] and (state[1] or not self.solve)

    def next_symbols(self, prefix: Sequence[str] | str) -> frozenset[str]:
        state = self._run(self.tokenize(prefix))
        if state is None:
            return frozenset()
        out = {t for t in self.alphabet if self._step(state, t) is not None}
        if not state[0] and (state[1] or not self.solve):
            out.add(EOS)
        return frozenset(out)

    # ------------------------------------------------------------------ the function
    def function_form(self) -> FunctionForm:
        return FunctionForm(self.task, self, DIGITS5, self._solve if self.solve else self._value,
                            "context-free")

    def _value(self, x: Tokens) -> Tokens:
        return (str(evaluate(x) % 5),)

    def _solve(self, x: Tokens) -> Tokens:
        i = x.index("=")
        want = int(x[i + 1])
        hits = [d for d in DIGITS5
                if evaluate([d if t == "x" else t for t in x[:i]]) % 5 == want]
        return (hits[0],)   # x has coefficient +-1 mod 5: exactly one digit solves it


def evaluate(toks: Sequence[str]) -> int:
    """The integer value of a bracket expression (no modulus)."""
    def expr(i: int) -> tuple[int, int]:
        t = toks[i]
        if t == "-":
            return -int(toks[i + 1]), i + 2
        if t != "(":
            return int(t), i + 1
        a, i = expr(i + 1)
        if toks[i] == ")":
            return a, i + 1
        op = toks[i]
        b, i = expr(i + 1)
        return (a + b if op == "+" else a - b if op == "-" else a * b), i + 1
    return expr(0)[0]
