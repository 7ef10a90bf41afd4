"""Copy patterns: literal blocks and copies ``w`` / reversed copies ``w^R`` of one word.

Written as ``pattern: {blocks: [w, "#", w^R], where: "w in {a, b}*"}``. The string's length
fixes ``|w| = m`` and ``w`` is read off its first occurrence (only literals come before it), so
the members of length ``n`` are in bijection with the words of length ``m``: counting is
``|Σ|^m`` and sampling draws a uniform word. A prefix is consistent with a given ``m`` when
its literal positions match and its copy positions agree with each other; every ``m`` larger
than the prefix behaves like ``len(prefix) + 1``, so checking ``m <= len(prefix) + 1`` is exact.

>>> from langlab.languages.pattern import pattern_language
>>> W = pattern_language("ww", ("a", "b", "#"), ["w", "#", "w"], "w in {a,b}*")
>>> W.count(5), W.accepts("ab#ab"), sorted(W.next_symbols("ab#"))
(4, True, ['a'])
"""

from __future__ import annotations

import itertools

import numpy as np

from langlab.languages.base import EOS, Tokens, randbelow
from langlab.languages.pattern.base import PatternBase


class CopyLanguage(PatternBase):
    """Literal blocks and copies ``w`` / reversed copies ``w^R`` of one word variable."""

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        p = self.pattern
        self.k = sum(1 for b in p.blocks if b[0] == "w")
        self.lit = sum(len(b[1]) for b in p.blocks if b[0] == "lit")
        self.sigma = p.word_alphabet

    def _m(self, n: int) -> int | None:
        m, r = divmod(n - self.lit, self.k)
        return m if n >= self.lit and r == 0 and m >= self.pattern.word_min else None

    def count(self, n: int) -> int:
        m = self._m(n)
        return 0 if m is None else len(self.sigma) ** m

    def spell(self, w: Tokens) -> Tokens:
        """The member for word ``w``."""
        out: list[str] = []
        for kind, x in self.pattern.blocks:
            out.extend(x if kind == "lit" else (w[::-1] if x else w))
        return tuple(out)

    def sample(self, n: int, rng: np.random.Generator) -> Tokens | None:
        m = self._m(n)
        if m is None:
            return None
        r, w = randbelow(rng, len(self.sigma) ** m), []
        for _ in range(m):
            r, d = divmod(r, len(self.sigma))
            w.append(self.sigma[d])
        return self.spell(tuple(w))

    def accepts(self, s) -> bool:
        toks = self.tokenize(s)
        m = self._m(len(toks))
        if m is None:
            return False
        kinds = [kind for kind, _ in self.pattern.blocks]
        first = kinds.index("w")  # the blocks before the first copy are literals
        at = sum(len(x) for _, x in self.pattern.blocks[:first])
        w = toks[at:at + m]
        w = w[::-1] if self.pattern.blocks[first][1] else w
        return all(t in self.sigma for t in w) and self.spell(w) == toks

    def enumerate(self, n: int):
        m = self._m(n)
        if m is not None:
            rank = {t: i for i, t in enumerate(self.alphabet)}
            words = [self.spell(w) for w in itertools.product(self.sigma, repeat=m)]
            yield from sorted(words, key=lambda w: [rank[t] for t in w])

    def _layout(self, m: int) -> list[tuple[str, object]]:
        """Per position: ("t", token) for a literal, ("w", index into w) for a copy."""
        out: list[tuple[str, object]] = []
        for kind, x in self.pattern.blocks:
            if kind == "lit":
                out.extend(("t", t) for t in x)
            else:
                out.extend(("w", m - 1 - i if x else i) for i in range(m))
        return out

    def next_symbols_all(self, s) -> list[frozenset[str]]:
        toks = self.tokenize(s)
        sets: list[set[str]] = [set() for _ in range(len(toks) + 1)]
        lo = self.pattern.word_min
        for m in range(lo, max(lo, len(toks) + 1) + 1):  # larger m behave like len(toks)+1
            lay, w = self._layout(m), {}
            for i in range(len(toks) + 1):
                if i == len(lay):
                    sets[i].add(EOS)
                    break
                kind, x = lay[i]
                allowed = {x} if kind == "t" else ({w[x]} if x in w else set(self.sigma))
                sets[i] |= allowed
                if i == len(toks) or toks[i] not in allowed:
                    break
                if kind == "w":
                    w[x] = toks[i]
        return [frozenset(x) for x in sets]
