"""The 2020 paper's probabilistic grammar for Dyck-k and Shuffle-k strings, and its exact
length-conditioned sampler.

From ``src/utils/dyck_generator.py`` (identical in ``shuffle_generator.py``) of
github.com/satwik77/Transformer-Formal-Languages: ``generate(current_size, max_size)`` returns ε
when ``current_size >= max_size``; otherwise, with probability p it returns ``(_i x )_i`` (pair i
uniform) with ``x = generate(current_size + 2, max_size)``, with probability q the
concatenation of two draws of ``generate(current_size, max_size)``, and else ε; a result longer
than ``max_size`` is replaced by ε. The paper used p = 0.5, q = 0.25 and ``max_size`` = the
upper end of the length window.

How it differs from ``uniform``: it only ever nests pairs, so for Shuffle-k it yields only
Dyck-k strings (never ``([)]``); and a string's probability is the total weight of its
derivations (``S -> S S`` is ambiguous), not 1/count.

**Conditioning on the length.** The paper drew strings and kept those of the wanted length
(:meth:`PaperGrammar.sample_length_rejection`, about 25 strings/s at n = 50 and out of reach at
n = 300). :meth:`PaperGrammar.sample_length` draws from the same conditional distribution
directly. Let ``L[c][l]`` be the probability that ``generate(c, M)`` returns a string of length
``l``. For ``c < M`` and ``0 < l <= M``::

    L[c][l] = p * L[c+2][l-2] + q * sum_a L[c][a] * L[c][l-a]

and ``L[c][0]`` takes the rest, including the truncations; ``L[c] = δ0`` for ``c >= M``. The
system is solved from the top state down, each ``L[c]`` as the least fixed point of its
equation (the limit of the iteration from zero, as a branching process's extinction
probabilities are), in float64, every entry to a relative 1e-13. A draw of length ``l`` from state ``c`` then picks the rule with
probability proportional to its term (a wrap, or a split ``a + (l - a)``) and recurses. The
conditional distribution is the rejection sampler's up to the rounding of those probabilities
(tests compare the two).

>>> g = PaperGrammar((("(", ")"),))
>>> s = g.sample_length(10, np.random.default_rng(0))
>>> len(s), s.count("(")
(10, 5)
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from langlab.languages.base import Tokens

_RTOL = 1e-13  # every probability to this relative precision


class PaperGrammar:
    """The paper's grammar over ``pairs`` with rule probabilities ``p`` (wrap), ``q`` (concat)."""

    def __init__(self, pairs: Sequence[tuple[str, str]], p: float = 0.5, q: float = 0.25):
        self.pairs, self.p, self.q = tuple(pairs), p, q

    def _tables(self, M: int) -> list[np.ndarray]:
        return length_tables(self.p, self.q, M)

    # ------------------------------------------------------------------ the paper's process
    def generate(self, max_size: int, rng: np.random.Generator) -> str:
        """One draw of the paper's ``generate(0, max_size)``; iterative (no recursion limit)."""
        p, pq, pairs = self.p, self.p + self.q, self.pairs
        tasks: list[tuple] = [("gen", 0)]
        vals: list[str] = []
        while tasks:
            task = tasks.pop()
            if task[0] == "gen":
                cur = task[1]
                u = rng.random() if cur < max_size else 1.0
                if u < p:
                    tasks += [("wrap", pairs[int(rng.integers(len(pairs)))]), ("gen", cur + 2)]
                elif u < pq:
                    tasks += [("cat",), ("gen", cur), ("gen", cur)]
                else:
                    vals.append("")
            elif task[0] == "wrap":
                s = task[1][0] + vals.pop() + task[1][1]
                vals.append(s if len(s) <= max_size else "")
            else:
                b = vals.pop()
                s = vals.pop() + b
                vals.append(s if len(s) <= max_size else "")
        return vals[0]

    def sample_length_rejection(self, n: int, rng: np.random.Generator,
                                max_size: int | None = None) -> Tokens | None:
        """The paper's way: draw until the length is ``n`` (``max_size`` default n)."""
        if n < 0 or n % 2:
            return None
        while True:
            s = self.generate(n if max_size is None else max_size, rng)
            if len(s) == n:
                return tuple(s)

    # ------------------------------------------------------------------ exact conditioning
    def length_distribution(self, max_size: int) -> np.ndarray:
        """``L[0]``: the probability that ``generate(0, max_size)`` has each length 0..max_size."""
        return self._tables(max_size)[0].copy()

    def sample_length(self, n: int, rng: np.random.Generator,
                      max_size: int | None = None) -> Tokens | None:
        """A draw of ``generate(0, max_size)`` conditioned on length ``n`` (``max_size``
        default n), without rejection; None where the length is impossible."""
        M = n if max_size is None else max_size
        if n < 0 or n % 2 or n > M:
            return None
        tables = self._tables(M)
        if tables[0][n] <= 0:
            return None
        p, q, pairs = self.p, self.q, self.pairs
        out: list[str] = []
        todo: list[tuple] = [(0, n)]                          # (state c, length) or a closer
        while todo:
            item = todo.pop()
            if isinstance(item, str):
                out.append(item)
                continue
            c, length = item
            if length == 0:
                continue
            L = tables[c // 2]
            child = tables[c // 2 + 1]
            splits = q * L[:length + 1] * L[length::-1]       # split a + (length - a)
            weights = np.concatenate(([p * child[length - 2]], splits))
            k = int(np.searchsorted(np.cumsum(weights), rng.random() * weights.sum(), "right"))
            k = min(k, len(weights) - 1)
            if k == 0:                                        # wrap: open, inside, close
                o, cl = pairs[int(rng.integers(len(pairs)))]
                out.append(o)
                todo += [cl, (c + 2, length - 2)]
            else:
                a = k - 1
                todo += [(c, length - a), (c, a)]             # left part first
        return tuple(out)


@lru_cache(maxsize=None)
def length_tables(p: float, q: float, M: int) -> list[np.ndarray]:
    """``L[c]`` for c = 0, 2, ..., indexed by c // 2, each of length M + 1 (module docstring).

    Lengths do not depend on the bracket types, so every grammar with the same p and q shares
    these tables. Each state's fixed point is iterated from the state above's solution, which
    halves the work; the tests check that it reaches the least fixed point, the one iterated
    from zero, to the same precision."""
    n_states = M // 2 + 1 + (M % 2)
    tables: list[np.ndarray] = [np.zeros(M + 1)] * n_states
    above = np.zeros(M + 1)
    above[0] = 1.0                                        # c >= M: always ε
    start = np.zeros(M + 1)
    for i in range(n_states - 1, -1, -1):
        if 2 * i >= M:
            tables[i] = above
            continue
        child = tables[i + 1]
        wrap = np.zeros(M + 1)
        wrap[2:] = p * child[:M - 1]                      # lengths 2..M
        wrap_cut = p * child[M - 1:].sum()                # too long once wrapped: ε
        L = start
        for _ in range(10_000):
            conv = np.convolve(L, L)                      # lengths 0..2M
            new = wrap + q * conv[:M + 1]
            new[0] = (1 - p - q) + wrap_cut + q * (conv[0] + conv[M + 1:].sum())
            live = new > 0
            done = bool((np.abs(new - L)[live] <= _RTOL * new[live]).all())
            L = new
            if done:
                break
        tables[i] = start = L
    return tables
