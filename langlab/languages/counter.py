"""Counter languages of the 2020 paper: Shuffle-k, aⁿbⁿ(cⁿ(dⁿ)), Boolean-n.

Each is a hand-written :class:`Language` with closed-form or tabulated counts and a
combinatorial sampler; see each class. (Dyck-1, also a counter language, lives in ``dyck``.)

>>> Shuffle(k=2).accepts("([)]"), Blocks(k=3).accepts("aabbcc"), Boolean(3).accepts(">01+01")
(True, True, True)
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from math import comb

import numpy as np

from langlab.languages.base import EOS, Language, Tokens, randbelow
from langlab.languages.dyck import PAIRS, PaperGrammar, dyck1_count, random_dyck_shape


class Shuffle(Language):
    """Shuffle-k: the shuffle (all interleavings) of k Dyck-1 languages over the first k pairs of
    ``() [] {} <> +- ab``. Each pair is balanced on its own; pairs may cross: ``([)]`` is a member.

    The alphabets are disjoint, so a member is exactly one tuple of component words plus one
    interleaving. Hence ``F_j(n) = sum_i C(n, i) D(i) F_{j-1}(n - i)`` (D = Dyck-1 counts), and a
    uniform member is: component lengths drawn by those exact weights, a uniform Dyck-1 word per
    component, and a uniform arrangement of the component labels over the n positions.
    Distributions: ``uniform`` and ``paper`` (the paper's grammar, which only nests: its strings
    are Dyck-k strings, a subset of Shuffle-k; see :class:`~langlab.languages.dyck.PaperGrammar`).

    >>> L = Shuffle(k=2)
    >>> [L.count(n) for n in range(0, 7, 2)]
    [1, 2, 10, 70]
    >>> sorted(L.next_symbols("(["))
    ['(', ')', '[', ']']
    """

    level = "context-sensitive"
    tags = frozenset({"counter"})

    def __init__(self, k: int = 2):
        if not 1 <= k <= len(PAIRS):
            raise ValueError(f"shuffle: k must be between 1 and {len(PAIRS)}, got {k}")
        self.k, self.name = k, f"shuffle-{k}"
        self.pairs = PAIRS[:k]
        self.alphabet = tuple(t for pair in self.pairs for t in pair)
        self._index = {t: i for i, t in enumerate(self.alphabet)}  # pair = i // 2, close = i % 2
        self._F: dict[int, list[int]] = {j: [] for j in range(1, k + 1)}
        self._cum: dict[tuple[int, int], list[int]] = {}
        self._sets: dict[int, frozenset[str]] = {}  # by bit mask of pairs with depth > 0
        self._paper = PaperGrammar(self.pairs)

    def _grow(self, n: int) -> None:
        for j in range(1, self.k + 1):
            row = self._F[j]
            for m in range(len(row), n + 1):
                if j == 1:
                    row.append(dyck1_count(m))
                else:
                    prev = self._F[j - 1]
                    row.append(sum(comb(m, i) * dyck1_count(i) * prev[m - i]
                                   for i in range(0, m + 1, 2)))

    def _shuffles(self, j: int, n: int) -> int:
        """Members of the shuffle of j Dyck-1 languages of length n."""
        if len(self._F[j]) <= n:
            self._grow(n)
        return self._F[j][n]

    def count(self, n: int) -> int:
        return self._shuffles(self.k, n) if n >= 0 else 0

    def _first_length(self, j: int, n: int, rng: np.random.Generator) -> int:
        """The length of the first of j components, drawn by exact weights."""
        key = (j, n)
        if key not in self._cum:
            acc, cum = 0, []
            for i in range(0, n + 1, 2):
                acc += comb(n, i) * dyck1_count(i) * self._shuffles(j - 1, n - i)
                cum.append(acc)
            self._cum[key] = cum
        cum = self._cum[key]
        return 2 * bisect_right(cum, randbelow(rng, cum[-1]))

    def sample(self, n: int, rng: np.random.Generator) -> Tokens | None:
        if self.count(n) == 0:
            return None
        lens, rest = [], n
        for j in range(self.k, 1, -1):
            lens.append(self._first_length(j, rest, rng))
            rest -= lens[-1]
        lens.append(rest)
        labels = rng.permutation(np.repeat(np.arange(self.k), lens))  # (n,)
        out = np.empty(n, dtype=np.int64)  # (n,) alphabet indices
        for c, length in enumerate(lens):
            if length:
                shape = random_dyck_shape(length // 2, rng)
                out[labels == c] = np.where(shape > 0, 2 * c, 2 * c + 1)
        alpha = self.alphabet
        return tuple([alpha[x] for x in out.tolist()])

    @property
    def distributions(self) -> dict[str, Callable]:
        return {"uniform": self.sample, "paper": self._paper.sample_length}

    def _set(self, mask: int) -> frozenset[str]:
        if mask not in self._sets:
            toks = [o for o, _ in self.pairs]
            toks += [c for i, (_, c) in enumerate(self.pairs) if mask >> i & 1]
            self._sets[mask] = frozenset(toks + ([EOS] if mask == 0 else []))
        return self._sets[mask]

    def next_symbols_all(self, s: Sequence[str] | str) -> list[frozenset[str]]:
        toks = self.tokenize(s)
        depth, mask = [0] * self.k, 0
        out = [self._set(0)]
        for t in toks:
            i = self._index[t]
            c = i >> 1
            depth[c] += -1 if i & 1 else 1
            if depth[c] < 0:
                break
            mask = mask | (1 << c) if depth[c] else mask & ~(1 << c)
            out.append(self._set(mask))
        return out + [frozenset()] * (len(toks) + 1 - len(out))

    def next_symbols(self, prefix: Sequence[str] | str) -> frozenset[str]:
        return self.next_symbols_all(prefix)[-1]

    def accepts(self, s: Sequence[str] | str) -> bool:
        return EOS in self.next_symbols(s)


class Blocks(Language):
    """aⁿbⁿ, aⁿbⁿcⁿ, aⁿbⁿcⁿdⁿ (n ≥ 1): ``k`` equal blocks of the first k letters of ``abcd``.

    One member per length divisible by k; every valid prefix extends to a member.

    >>> L = Blocks(k=2)
    >>> L.accepts("aabb"), L.accepts(""), [L.count(n) for n in range(5)]
    (True, False, [0, 0, 1, 0, 1])
    >>> sorted(L.next_symbols("aab"))
    ['b']
    """

    tags = frozenset({"counter"})

    def __init__(self, k: int = 2):
        if not 2 <= k <= 4:
            raise ValueError(f"blocks: k must be 2, 3 or 4, got {k}")
        self.k = k
        self.alphabet = tuple("abcd"[:k])
        self.name = "an" + "".join(f"{x}n" for x in "bcd"[: k - 1])
        self.level = "context-free" if k == 2 else "context-sensitive"

    def count(self, n: int) -> int:
        return int(n > 0 and n % self.k == 0)

    def sample(self, n: int, rng: np.random.Generator) -> Tokens | None:
        if not self.count(n):
            return None
        return tuple(x for x in self.alphabet for _ in range(n // self.k))

    def _set_at(self, block: int, first: int, cur: int) -> frozenset[str]:
        """Next symbols in ``block`` (0-based) with ``cur`` letters read of it, ``first`` = n."""
        out = set()
        if block == 0 or cur < first:
            out.add(self.alphabet[block])
        if (block == 0 and cur > 0) or (block > 0 and cur == first):
            out.add(self.alphabet[block + 1] if block + 1 < self.k else EOS)
        return frozenset(out)

    def next_symbols_all(self, s: Sequence[str] | str) -> list[frozenset[str]]:
        toks = self.tokenize(s)
        block = first = cur = 0
        out = [self._set_at(0, 0, 0)]
        for t in toks:
            if t not in out[-1]:
                break
            if t == self.alphabet[block]:
                cur += 1
                first = cur if block == 0 else first
            else:
                block, cur = block + 1, 1
            out.append(self._set_at(block, first, cur))
        return out + [frozenset()] * (len(toks) + 1 - len(out))

    def next_symbols(self, prefix: Sequence[str] | str) -> frozenset[str]:
        return self.next_symbols_all(prefix)[-1]

    def accepts(self, s: Sequence[str] | str) -> bool:
        return EOS in self.next_symbols(s)


# Operator symbols and arities, measured from the paper's public data (every string of
# Boolean-3/Boolean-5 parses as a prefix expression with exactly these arities).
BOOLEAN_OPERATORS = {
    3: (("~", 1), ("+", 2), (">", 3)),
    5: (("~", 1), ("+", 2), ("<", 3), ("*", 4), ("-", 5)),
}


class Boolean(Language):
    """Boolean-n: well-formed prefix (Polish) expressions over operands ``0 1``.

    Operators, from the 2020 paper's public data (Boolean-3 and Boolean-5 folders):
    boolean-3 ``~`` (1-ary) ``+`` (2-ary) ``>`` (3-ary), as in the paper's
    ``boolean_expr_generator.py``; boolean-5 ``~`` (1) ``+`` (2) ``<`` (3) ``*`` (4) ``-`` (5)
    (no ``>``; its generator is not public, the arities are the only ones under which every
    data string parses). A string is a member iff the count of pending operands, starting at 1
    and changed by ``arity - 1`` per token, first reaches 0 at its last token.

    ``count`` tabulates ``T[m][c]`` = token strings of length m that take c pending operands to
    0 exactly at their end; ``sample`` unranks through that table (exactly uniform).

    >>> L = Boolean(3)
    >>> L.accepts("+01"), L.accepts("+0"), L.accepts("01"), [L.count(n) for n in range(1, 4)]
    (True, False, False, [2, 2, 6])
    """

    level = "context-free"
    tags = frozenset({"counter"})

    def __init__(self, n: int = 3):
        if n not in BOOLEAN_OPERATORS:
            raise ValueError(f"boolean: n must be one of {sorted(BOOLEAN_OPERATORS)}, got {n}")
        self.n, self.name = n, f"boolean-{n}"
        ops = BOOLEAN_OPERATORS[n]
        self.alphabet = ("0", "1") + tuple(sym for sym, _ in ops)
        self._arity = {"0": 0, "1": 0, **dict(ops)}
        # Symbols grouped by arity: (arity, symbols) in alphabet order.
        self._groups = [(0, ("0", "1"))] + [(a, (sym,)) for sym, a in ops]
        self._T: list[list[int]] = [[1]]  # _T[m][c] for c <= m
        self._all = frozenset(self.alphabet)

    def _grow(self, m: int) -> None:
        T = self._T
        while len(T) <= m:
            prev, mm = T[-1], len(T)
            row = [0] * (mm + 1)
            for c in range(1, mm + 1):
                row[c] = sum(len(syms) * prev[c - 1 + a]
                             for a, syms in self._groups if c - 1 + a <= mm - 1)
            T.append(row)

    def _ways(self, m: int, c: int) -> int:
        if c > m:
            return 0
        if m >= len(self._T):
            self._grow(m)
        return self._T[m][c]

    def count(self, n: int) -> int:
        return self._ways(n, 1) if n >= 1 else 0

    def sample(self, n: int, rng: np.random.Generator) -> Tokens | None:
        total = self.count(n)
        if total == 0:
            return None
        r, c, out = randbelow(rng, total), 1, []
        for rem in range(n - 1, -1, -1):
            for a, syms in self._groups:
                w = self._ways(rem, c - 1 + a)
                block = w * len(syms)
                if r < block:
                    out.append(syms[r // w])
                    r %= w
                    c += a - 1
                    break
                r -= block
        return tuple(out)

    def next_symbols_all(self, s: Sequence[str] | str) -> list[frozenset[str]]:
        toks = self.tokenize(s)
        pending, out = 1, [self._all]
        for t in toks:
            if pending == 0:  # the expression is complete: nothing may follow
                break
            pending += self._arity[t] - 1
            out.append(self._all if pending else frozenset({EOS}))
        return out + [frozenset()] * (len(toks) + 1 - len(out))

    def next_symbols(self, prefix: Sequence[str] | str) -> frozenset[str]:
        return self.next_symbols_all(prefix)[-1]

    def accepts(self, s: Sequence[str] | str) -> bool:
        return EOS in self.next_symbols(s)
