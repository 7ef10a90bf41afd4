"""Dyck languages: well-nested brackets of ``k`` types, and the 2020 paper's Reset-Dyck-1.

Uniform sampling is combinatorial, not a walk over a counting table: a Dyck-k word of length
``2m`` is a Dyck-1 *shape* (a ±1 path) plus an independent bracket type for each of its ``m``
pairs, and a uniform shape comes from the cycle lemma (a uniform arrangement of ``m`` up-steps
and ``m + 1`` down-steps has exactly one rotation that is a Dyck path followed by a final
down-step; each Dyck path arises from exactly ``2m + 1`` arrangements). Both draws use integer
randomness only (``rng.shuffle``, ``rng.integers``), so samples are exactly uniform.

>>> L = Dyck(k=2)
>>> L.count(4), L.accepts("([])"), L.accepts("([)]")
(8, True, False)
>>> sorted(L.next_symbols("(["))
['(', '[', ']']
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache
from math import comb

import numpy as np

from langlab.errors import LanglabError
from langlab.languages.base import EOS, ScanLanguage, Tokens, randbelow
from langlab.languages.paper_grammar import PaperGrammar

# Bracket pairs in the order of the 2020 paper's code (``all_pairs`` there, without ``xo``).
PAIRS: tuple[tuple[str, str], ...] = (
    ("(", ")"), ("[", "]"), ("{", "}"), ("<", ">"), ("+", "-"), ("a", "b"))


@lru_cache(maxsize=None)
def catalan(m: int) -> int:
    """The m-th Catalan number: Dyck-1 words of length 2m. ``catalan(3) == 5``."""
    return comb(2 * m, m) // (m + 1)


def dyck1_count(n: int) -> int:
    """Dyck-1 words of length n (0 for odd n)."""
    return catalan(n // 2) if n >= 0 and n % 2 == 0 else 0


def random_dyck_shape(m: int, rng: np.random.Generator) -> np.ndarray:
    """A uniform Dyck-1 path of semilength ``m`` as an int array of +1 (open) / -1 (close).

    Cycle lemma: shuffle m (+1)s and m+1 (-1)s, rotate to start just after the first minimum of
    the prefix sums, drop the final -1.
    """
    if m == 0:
        return np.zeros(0, dtype=np.int64)
    steps = np.full(2 * m + 1, -1, dtype=np.int64)  # (2m+1,)
    steps[:m] = 1
    rng.shuffle(steps)
    first_min = int(np.cumsum(steps).argmin())  # argmin returns the first minimum
    return np.concatenate((steps[first_min + 1:], steps[:first_min]))  # (2m,)


class Dyck(ScanLanguage):
    """Dyck-k: well-nested strings over the first ``k`` bracket pairs of :data:`PAIRS`.

    ``count(2m) = Catalan(m) * k**m``. Distributions: ``uniform`` and ``paper``
    (:class:`~langlab.languages.paper_grammar.PaperGrammar` conditioned on the length).

    >>> Dyck(k=1).count(6), Dyck(k=3).count(2)
    (5, 3)
    """

    level = "context-free"

    def __init__(self, k: int = 1):
        if not 1 <= k <= len(PAIRS):
            raise LanglabError(f"dyck: k must be between 1 and {len(PAIRS)}, got {k}")
        self.k = k
        self.name = f"dyck-{k}"
        self.pairs = self.brackets = PAIRS[:k]
        self.alphabet = tuple(t for pair in self.pairs for t in pair)
        self._open = {o: i for i, (o, _) in enumerate(self.pairs)}
        self._close = {c: i for i, (_, c) in enumerate(self.pairs)}
        opens = [o for o, _ in self.pairs]
        # The next-symbol set depends only on the top of the stack (None = empty stack).
        self._sets = {None: frozenset(opens + [EOS])}
        for i, (_, c) in enumerate(self.pairs):
            self._sets[i] = frozenset(opens + [c])
        self._paper = PaperGrammar(self.pairs)

    def count(self, n: int) -> int:
        return dyck1_count(n) * self.k ** (n // 2) if n >= 0 else 0

    def sample(self, n: int, rng: np.random.Generator) -> Tokens | None:
        if n < 0 or n % 2:
            return None
        shape = random_dyck_shape(n // 2, rng).tolist()
        types = rng.integers(0, self.k, size=n // 2).tolist()
        out, stack, j = [], [], 0
        for step in shape:
            if step > 0:
                out.append(self.pairs[types[j]][0])
                stack.append(types[j])
                j += 1
            else:
                out.append(self.pairs[stack.pop()][1])
        return tuple(out)

    @property
    def distributions(self) -> dict[str, Callable]:
        return {"uniform": self.sample, "paper": self._paper.sample_length}

    def _stacks(self, toks: Sequence[str]):
        """Yield (depth, top) of the stack after each prefix (top None: empty), stopping at a
        dead prefix."""
        stack: list[int] = []
        yield 0, None
        for t in toks:
            if t in self._open:
                stack.append(self._open[t])
            elif stack and stack[-1] == self._close[t]:
                stack.pop()
            else:
                return
            yield len(stack), (stack[-1] if stack else None)

    trace_targets = ("depth", "top")

    def _trace(self, toks: Tokens) -> dict[str, list]:
        """Stack depth and top (pair index, -1 when empty) after every prefix."""
        states = list(self._stacks(toks))
        depth = [d for d, _ in states]
        top = [-1 if t is None else t for _, t in states]
        return {"depth": self._pad_dead(depth, len(toks)), "top": self._pad_dead(top, len(toks))}

    def accepts(self, s: Sequence[str] | str) -> bool:
        stack: list[str] = []
        for t in self.tokenize(s):
            if t in self._open:
                stack.append(t)
            elif not stack or self._open[stack.pop()] != self._close[t]:
                return False
        return not stack

    def next_symbols_all(self, s: Sequence[str] | str) -> list[frozenset[str]]:
        toks = self.tokenize(s)
        out = [self._sets[top] for _, top in self._stacks(toks)]
        return out + [frozenset()] * (len(toks) + 1 - len(out))


class ResetDyck1(ScanLanguage):
    """Reset-Dyck-1 as the 2020 paper's code defines it: ``u 1 w`` with u a prefix of a Dyck-1
    word (any unmatched opens) and w a Dyck-1 word.

    Source: ``src/utils/reset_dyck_generator.py`` of github.com/satwik77/Transformer-Formal-
    Languages, ``generate_reset_dyck``: ``str1[:rand_idx] + '1' + str2`` with str1, str2 from the
    Dyck-1 grammar and the cut uniform in ``[0, len(str1)]``, so every string holds exactly one
    reset symbol ``1``; the counter restarts at 0 after it. Alphabet ``( ) 1``.

    ``count(n) = sum_l P(l) * D(n-1-l)`` with ``P(l) = C(l, l//2)`` prefixes and ``D`` Dyck-1
    counts; sampling picks ``l`` by those weights, then a uniform prefix (walk over a table of
    non-negative path counts) and a uniform Dyck word (cycle lemma).

    >>> L = ResetDyck1()
    >>> L.accepts("((1()"), L.accepts("(1)"), L.accepts("()")
    (True, False, False)
    >>> [L.count(n) for n in range(6)]
    [0, 1, 1, 3, 4, 10]
    """

    name = "reset-dyck-1"
    alphabet = ("(", ")", "1")
    level = "context-free"

    def __init__(self) -> None:
        # _meander[r][h] for h < r: non-negative paths of length r from height h (2**r when h >= r).
        self._meander: list[list[int]] = [[]]
        self._cum: dict[int, list[int]] = {}
        self._paper = PaperGrammar((("(", ")"),))

    def _meanders(self, r: int, h: int) -> int:
        """Non-negative ±1 paths of length r starting at height h (any end height)."""
        if h >= r:
            return 1 << r
        table = self._meander
        while len(table) <= r:
            prev, m = table[-1], len(table)  # prev covers heights < m - 1
            row = [0] * m
            for hh in range(m):
                up = prev[hh + 1] if hh + 1 < m - 1 else 1 << (m - 1)
                down = (prev[hh - 1] if hh - 1 < m - 1 else 1 << (m - 1)) if hh > 0 else 0
                row[hh] = up + down
            table.append(row)
        return table[r][h]

    def _cumulative(self, n: int) -> list[int]:
        """Cumulative weights over the prefix length l = 0..n-1."""
        if n not in self._cum:
            acc, cum = 0, []
            for l in range(n):
                acc += self._meanders(l, 0) * dyck1_count(n - 1 - l)
                cum.append(acc)
            self._cum[n] = cum
        return self._cum[n]

    def count(self, n: int) -> int:
        return self._cumulative(n)[-1] if n >= 1 else 0

    def sample(self, n: int, rng: np.random.Generator) -> Tokens | None:
        if n < 1:
            return None
        cum = self._cumulative(n)
        l = bisect_right(cum, randbelow(rng, cum[-1]))
        r, h, out = randbelow(rng, self._meanders(l, 0)), 0, []
        self._meanders(l, 0)
        table = self._meander
        for rem in range(l - 1, -1, -1):
            c = table[rem][h + 1] if h + 1 < rem else 1 << rem  # completions after "("
            if r < c:
                out.append("(")
                h += 1
            else:
                r -= c
                out.append(")")
                h -= 1
        out.append("1")
        out += ["(" if x > 0 else ")" for x in random_dyck_shape((n - 1 - l) // 2, rng).tolist()]
        return tuple(out)

    def _paper_sample(self, n: int, rng: np.random.Generator) -> Tokens | None:
        """The paper's ``generate_reset_dyck(max_size=n)`` conditioned on length n (rejection)."""
        if n < 1:
            return None
        while True:
            s1, s2 = self._paper.generate(n, rng), self._paper.generate(n, rng)
            s = s1[: int(rng.integers(0, len(s1) + 1))] + "1" + s2
            if len(s) == n:
                return tuple(s)

    @property
    def distributions(self) -> dict[str, Callable]:
        return {"uniform": self.sample, "paper": self._paper_sample}

    trace_targets = ("depth", "phase")

    @staticmethod
    def _states(toks: Tokens) -> Iterator[tuple[int, bool]]:
        """(counter, reset seen) after each live prefix, the empty one first; stops at the
        first token that kills the prefix (a second ``1`` or a ``)`` below zero)."""
        depth, reset = 0, False
        yield depth, reset
        for t in toks:
            if t == "1":
                if reset:
                    return
                reset, depth = True, 0
            else:
                depth += 1 if t == "(" else -1
                if depth < 0:
                    return
            yield depth, reset

    def _trace(self, toks: Tokens) -> dict[str, list]:
        """The counter (reset to 0 by ``1``) and the phase (0 before the reset, 1 after)."""
        states = list(self._states(toks))
        n = len(toks)
        return {"depth": self._pad_dead([d for d, _ in states], n),
                "phase": self._pad_dead([int(r) for _, r in states], n)}

    _BEFORE = (frozenset({"(", "1"}), frozenset({"(", ")", "1"}))  # by depth > 0
    _AFTER = (frozenset({"(", EOS}), frozenset({"(", ")"}))

    def next_symbols_all(self, s: Sequence[str] | str) -> list[frozenset[str]]:
        toks = self.tokenize(s)
        out = [(self._AFTER if reset else self._BEFORE)[depth > 0]
               for depth, reset in self._states(toks)]
        return out + [frozenset()] * (len(toks) + 1 - len(out))
