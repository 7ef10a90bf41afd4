"""FLaRe's context-free languages that need a counter or a stack: Majority and Stack
Manipulation (Butoi et al., ICLR 2025). Marked and Unmarked Reversal live with the copy-like
languages in :mod:`langlab.languages.flare.copy`.

Each definition was settled against every label of FLaRe's published data
(tests/test_languages_flare.py). Counts are exact Python ints at any length; sampling is exactly
uniform: ``randbelow`` over the exact count, then a combinatorial construction or an unranking
walk over counting tables.

>>> from langlab.languages.flare.stack import StackManipulation
>>> L = StackManipulation()
>>> L.accepts("0 1 POP PUSH 1 # 1 0"), L.accepts("0 POP POP #"), L.count(10)
(True, False, 336)
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Sequence

import numpy as np

from langlab.languages.base import EOS, ScanLanguage, Tokens, randbelow
from langlab.languages.flare import FLARE_REF

_ANY01 = frozenset({"0", "1"})


class Majority(ScanLanguage):
    """Binary strings with strictly more 1s than 0s.

    Edge cases (from FLaRe's labels): ties are rejected, so the empty string is not a member.
    Accept: ``"1"``, ``"110"``, ``"10101"``. Reject: ``""``, ``"0"``, ``"10"``, ``"1100"``.
    ``count(n) = sum_{k > n/2} C(n, k)``; sampling draws the number of 1s ``k`` with weight
    ``C(n, k)`` (``randbelow`` over the exact total), then a uniform ``k``-subset of positions
    for them, so every member of length ``n`` has probability exactly ``1/count(n)``.
    """

    name, alphabet, level = "flare/majority", ("0", "1"), "context-free"
    reference = FLARE_REF

    def __init__(self) -> None:
        self._cum: dict[int, list[int]] = {}

    def _cumulative(self, n: int) -> list[int]:
        """``[C(n,k0), C(n,k0)+C(n,k0+1), ...]`` for ``k = n//2+1 .. n`` (cached per n)."""
        if n not in self._cum:
            acc, out = 0, []
            for k in range(n // 2 + 1, n + 1):
                acc += math.comb(n, k)
                out.append(acc)
            self._cum[n] = out
        return self._cum[n]

    def accepts(self, s: Sequence[str] | str) -> bool:
        toks = self.tokenize(s)
        return 2 * toks.count("1") > len(toks)

    def count(self, n: int) -> int:
        if n < 1:
            return 0
        return self._cumulative(n)[-1]

    def sample(self, n: int, rng: np.random.Generator) -> Tokens | None:
        if n < 1:
            return None
        cum = self._cumulative(n)
        k = n // 2 + 1 + bisect_right(cum, randbelow(rng, cum[-1]))
        out = ["0"] * n
        for i in rng.permutation(n)[:k]:
            out[i] = "1"
        return tuple(out)

    trace_targets = ("counter",)

    def _trace(self, toks: Tokens) -> dict[str, list]:
        """The counter ``#1 - #0`` after every prefix (every prefix extends to a member)."""
        out, diff = [(0,)], 0
        for t in toks:
            diff += 1 if t == "1" else -1
            out.append((diff,))
        return {"counter": out}

    def completion(self, prefix: Sequence[str] | str) -> Tokens:
        """The shortest member starting with ``prefix``: append just enough 1s."""
        toks = self.tokenize(prefix)
        return toks + ("1",) * max(0, 2 * toks.count("0") - len(toks) + 1)

    def next_symbols_all(self, s: Sequence[str] | str) -> list[frozenset[str]]:
        # Any prefix extends to a member by appending enough 1s.
        with_eos = _ANY01 | {EOS}
        out, diff = [], 0
        for t in self.tokenize(s):
            out.append(with_eos if diff > 0 else _ANY01)
            diff += 1 if t == "1" else -1
        out.append(with_eos if diff > 0 else _ANY01)
        return out


class StackManipulation(ScanLanguage):
    """A stack, a sequence of stack operations, ``#``, and the resulting stack.

    A member is ``w ops # v``: ``w`` in ``{0,1}*`` is the initial stack written bottom to top;
    ``ops`` is a sequence of ``PUSH b`` (``b`` in ``{0,1}``, two tokens) and ``POP``, applied to
    it in order, where a ``POP`` on an empty stack is not allowed; ``v`` is the final stack
    written top to bottom. Edge cases (from FLaRe's labels and code): ``w``, ``ops`` and ``v``
    may be empty (``"#"`` is a member); digits may not follow an operation except as ``PUSH``'s
    argument. Accept: ``"#"``, ``"PUSH 1 # 1"``, ``"0 1 # 1 0"``, ``"0 1 POP PUSH 1 # 1 0"``.
    Reject: ``"0 #"`` (the stack ``0`` is not written), ``"POP #"`` (pop on an empty stack),
    ``"0 1 # 0 1"`` (written bottom to top), ``"0 POP 1 # 1"``, ``"PUSH #"``.

    Counting: a string is determined by ``w`` and ``ops``, so the count is a path count. With
    ``f(h, m)`` the completions of length ``m`` from the operations phase at stack height ``h``
    and ``g(h, m)`` the same while ``w`` is still being read::

        f(h, m) = [m = h+1] + 2 f(h+1, m-2) + [h > 0] f(h-1, m-1)
        g(h, m) = 2 g(h+1, m-1) + f(h, m),        count(n) = g(0, n)

    Sampling unranks ``randbelow(count(n))`` through these tables (exactly uniform).
    """

    name, alphabet, level = "flare/stack-manipulation", ("0", "1", "PUSH", "POP", "#"), \
        "context-free"
    reference = FLARE_REF

    def __init__(self) -> None:
        self._f: list[list[int]] = []  # _f[m][h] = f(h, m) for h < m
        self._g: list[list[int]] = []

    def _grow(self, n: int) -> None:
        f, g = self._f, self._g
        for m in range(len(f), n + 1):
            fm = [int(m == h + 1) + 2 * self._at(f, h + 1, m - 2)
                  + (self._at(f, h - 1, m - 1) if h > 0 else 0) for h in range(m)]
            f.append(fm)
            g.append([2 * self._at(g, h + 1, m - 1) + fm[h] for h in range(m)])

    @staticmethod
    def _at(table: list[list[int]], h: int, m: int) -> int:
        return table[m][h] if 0 <= h < m else 0

    def count(self, n: int) -> int:
        if n < 1:
            return 0
        self._grow(n)
        return self._g[n][0]

    def accepts(self, s: Sequence[str] | str) -> bool:
        toks = self.tokenize(s)
        n, i, stack = len(toks), 0, []
        while i < n and toks[i] in _ANY01:
            stack.append(toks[i])
            i += 1
        while i < n and toks[i] in ("PUSH", "POP"):
            if toks[i] == "POP":
                if not stack:
                    return False
                stack.pop()
                i += 1
            elif i + 1 < n and toks[i + 1] in _ANY01:
                stack.append(toks[i + 1])
                i += 2
            else:
                return False
        return i < n and toks[i] == "#" and list(toks[i + 1:]) == stack[::-1]

    def sample(self, n: int, rng: np.random.Generator) -> Tokens | None:
        total = self.count(n)
        if total == 0:
            return None
        f, g, at = self._f, self._g, self._at
        r, h, m = randbelow(rng, total), 0, n
        out: list[str] = []
        stack: list[str] = []
        while True:  # reading w: a digit, or leave for the operations phase
            c = at(g, h + 1, m - 1)
            if r >= 2 * c:
                r -= 2 * c
                break
            b = "0" if r < c else "1"
            r -= 0 if r < c else c
            out.append(b)
            stack.append(b)
            h, m = h + 1, m - 1
        while True:  # operations phase; r < f(h, m)
            if m == h + 1:
                if r == 0:
                    return tuple(out + ["#"] + stack[::-1])
                r -= 1
            c = at(f, h + 1, m - 2)
            if r < 2 * c:
                b = "0" if r < c else "1"
                r -= 0 if r < c else c
                out += ["PUSH", b]
                stack.append(b)
                h, m = h + 1, m - 2
            else:
                r -= 2 * c
                out.append("POP")
                stack.pop()
                h, m = h - 1, m - 1

    def next_symbols_all(self, s: Sequence[str] | str) -> list[frozenset[str]]:
        return self._scan(self.tokenize(s))[0]

    def completion(self, prefix: Sequence[str] | str) -> Tokens | None:
        """A shortest member starting with ``prefix`` (``#`` and the stack; an open ``PUSH``
        gets ``0``), or None when there is none."""
        toks = self.tokenize(prefix)
        _, phase, stack, j = self._scan(toks)
        if phase == "dead":
            return None
        if phase == "arg":
            toks, stack = toks + ("0",), stack + ["0"]
        if phase == "out":
            return toks + tuple(stack[::-1][j:])
        return (*toks, "#", *stack[::-1])

    @staticmethod
    def _next(phase: str, stack: list[str], j: int) -> frozenset[str]:
        if phase == "w":
            return frozenset({"0", "1", "PUSH", "#"} | ({"POP"} if stack else set()))
        if phase == "ops":
            return frozenset({"PUSH", "#"} | ({"POP"} if stack else set()))
        if phase == "arg":
            return _ANY01
        if phase == "out":
            return frozenset({stack[-1 - j]} if j < len(stack) else {EOS})
        return frozenset()

    def _scan(self, toks: Tokens) -> tuple[list[frozenset[str]], str, list[str], int]:
        """Next-symbol sets after every prefix, and the final (phase, stack, j).

        Phases: ``w`` (reading the initial stack), ``ops``, ``arg`` (after ``PUSH``), ``out``
        (after ``#``, ``j`` symbols of the stack written), ``dead``.
        """
        out: list[frozenset[str]] = []
        phase, stack, j = "w", [], 0
        for t in toks:
            nxt = self._next(phase, stack, j)
            out.append(nxt)
            if t not in nxt:
                phase = "dead"
            elif phase == "out":
                j += 1
            elif t == "#":
                phase = "out"
            elif t == "PUSH":
                phase = "arg"
            elif t == "POP":
                stack.pop()
                phase = "ops"
            else:  # a digit, of w or as PUSH's argument
                stack.append(t)
                phase = "ops" if phase == "arg" else "w"
        out.append(self._next(phase, stack, j))
        return out, phase, stack, j
