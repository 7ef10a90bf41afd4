"""Counter languages of the 2020 paper: Shuffle-k, aⁿbⁿ(cⁿ(dⁿ)), Boolean-n.

Each is a hand-written :class:`Language` with closed-form or tabulated counts and a
combinatorial sampler; see each class. (Dyck-1, also a counter language, lives in ``dyck``.)

>>> Shuffle(k=2).accepts("([)]"), Blocks(k=3).accepts("aabbcc"), Boolean(3).accepts(">01+01")
(True, True, True)
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence

import numpy as np

from langlab.errors import LanglabError
from langlab.languages.base import EOS, ScanLanguage, Tokens, randbelow
from langlab.languages.dyck import PAIRS, dyck1_count, random_dyck_shape
from langlab.languages.paper_grammar import PaperGrammar


class Shuffle(ScanLanguage):
    """Shuffle-k: the shuffle (all interleavings) of k Dyck-1 languages over the first k pairs of
    ``() [] {} <> +- ab``. Each pair is balanced on its own; pairs may cross: ``([)]`` is a member.

    The alphabets are disjoint, so a member is exactly one tuple of component words plus one
    interleaving. Hence for j = a + b components ``F_j(n) = sum_i C(n, i) F_a(i) F_b(n - i)``
    (``F_1`` = Dyck-1 counts), and a uniform member is: component lengths drawn by those exact
    weights, a uniform Dyck-1 word per component, and a uniform arrangement of the component
    labels over the n positions.
    Distributions: ``uniform`` and ``paper`` (the paper's grammar, which only nests: its strings
    are Dyck-k strings, a subset of Shuffle-k; see :class:`~langlab.languages.paper_grammar.PaperGrammar`).

    >>> L = Shuffle(k=2)
    >>> [L.count(n) for n in range(0, 7, 2)]
    [1, 2, 10, 70]
    >>> sorted(L.next_symbols("(["))
    ['(', ')', '[', ']']
    """

    level = "context-sensitive"

    def __init__(self, k: int = 2):
        if not 1 <= k <= len(PAIRS):
            raise LanglabError(f"shuffle: k must be between 1 and {len(PAIRS)}, got {k}")
        self.k, self.name = k, f"shuffle-{k}"
        self.pairs = PAIRS[:k]
        self.alphabet = tuple(t for pair in self.pairs for t in pair)
        self._index = {t: i for i, t in enumerate(self.alphabet)}  # pair = i // 2, close = i % 2
        self._rows: dict[int, list[int]] = {}  # j -> [F_j(0), F_j(1), ...]
        self._cum: dict[tuple[int, int], list[int]] = {}
        self._sets: dict[int, frozenset[str]] = {}  # by bit mask of pairs with depth > 0
        self._paper = PaperGrammar(self.pairs)

    # The k components are split in halves recursively (6 -> 3 + 3, 3 -> 1 + 2, 2 -> 1 + 1), so
    # counting needs full rows F_j(0..n) only for the halves, not for every j < k.
    @staticmethod
    def _split(j: int) -> tuple[int, int]:
        return j // 2, j - j // 2

    def _weights(self, j: int, n: int) -> list[int]:
        """``C(n, i) F_a(i) F_b(n - i)`` for even i = 0, 2, ..., n, where (a, b) = split(j)."""
        a, b = self._split(j)
        Fa, Fb = self._row(a, n), self._row(b, n)
        out, binom = [], 1  # binom = C(n, i), updated without math.comb (slow for big n)
        for i in range(0, n + 1, 2):
            out.append(binom * Fa[i] * Fb[n - i])
            binom = binom * (n - i) * (n - i - 1) // ((i + 1) * (i + 2))
        return out

    def _row(self, j: int, n: int) -> list[int]:
        """``F_j(0..n)``: members of the shuffle of j Dyck-1 languages, by length."""
        row = self._rows.setdefault(j, [])
        for m in range(len(row), n + 1):
            if j == 1:
                row.append(dyck1_count(m))
            else:
                row.append(sum(self._weights(j, m)) if m % 2 == 0 else 0)
        return row

    def _cumulative(self, j: int, n: int) -> list[int]:
        key = (j, n)
        if key not in self._cum:
            if len(self._cum) > 4096:  # bound memory; entries are cheap to rebuild
                self._cum.clear()
            cum, acc = [], 0
            for w in self._weights(j, n):
                acc += w
                cum.append(acc)
            self._cum[key] = cum
        return self._cum[key]

    def count(self, n: int) -> int:
        if n < 0 or n % 2:
            return 0
        return dyck1_count(n) if self.k == 1 else self._cumulative(self.k, n)[-1]

    def _lengths(self, j: int, n: int, r: int) -> list[int]:
        """Lengths of j components sharing n positions, for a uniform rank r < F_j(n).

        r unranks as (first-half length i, interleaving, left rank, right rank); the left and
        right ranks are uniform given i, so one random integer decides every length.
        """
        if j == 1:
            return [n]
        cum = self._cumulative(j, n)
        idx = bisect_right(cum, r)
        i, r = 2 * idx, r - (cum[idx - 1] if idx else 0)
        a, b = self._split(j)
        r, right = divmod(r, self._row(b, n)[n - i])
        left = r % self._row(a, n)[i]  # r // F_a(i) would be the interleaving, drawn apart
        return self._lengths(a, i, left) + self._lengths(b, n - i, right)

    def sample(self, n: int, rng: np.random.Generator) -> Tokens | None:
        if self.count(n) == 0:
            return None
        lens = self._lengths(self.k, n, randbelow(rng, self.count(n)))
        labels = rng.permutation(np.repeat(np.arange(self.k), lens))  # (n,) component per position
        # Component c's symbols (alphabet index 2c open, 2c+1 close), components in order.
        words = [2 * c + (random_dyck_shape(length // 2, rng) < 0)
                 for c, length in enumerate(lens)]
        out = np.empty(n, dtype=np.int64)  # (n,)
        out[np.argsort(labels, kind="stable")] = np.concatenate(words)
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

    trace_targets = ("counter",)

    def _trace(self, toks: Tokens) -> dict[str, list]:
        """The k counters (depth of each bracket pair) after every prefix."""
        depth, out = [0] * self.k, [(0,) * self.k]
        for t in toks:
            i = self._index[t]
            depth[i >> 1] += -1 if i & 1 else 1
            if depth[i >> 1] < 0:
                break
            out.append(tuple(depth))
        return {"counter": self._pad_dead(out, len(toks))}

    def accepts(self, s: Sequence[str] | str) -> bool:
        depth, index = [0] * self.k, self._index
        for t in self.tokenize(s):
            i = index[t]
            depth[i >> 1] += -1 if i & 1 else 1
            if depth[i >> 1] < 0:
                return False
        return not any(depth)


class Blocks(ScanLanguage):
    """aⁿbⁿ, aⁿbⁿcⁿ, aⁿbⁿcⁿdⁿ (n ≥ 1): ``k`` equal blocks of the first k letters of ``abcd``.

    One member per length divisible by k; every valid prefix extends to a member.

    >>> L = Blocks(k=2)
    >>> L.accepts("aabb"), L.accepts(""), [L.count(n) for n in range(5)]
    (True, False, [0, 0, 1, 0, 1])
    >>> sorted(L.next_symbols("aab"))
    ['b']
    """

    def __init__(self, k: int = 2):
        if not 2 <= k <= 4:
            raise LanglabError(f"blocks: k must be 2, 3 or 4, got {k}")
        self.k = k
        self.alphabet = tuple("abcd"[:k])
        self.name = "an" + "".join(f"{x}n" for x in "bcd"[: k - 1])
        self.level = "context-free" if k == 2 else "context-sensitive"

    def count(self, n: int) -> int:
        return int(n > 0 and n % self.k == 0)

    parameter = "n"

    def parameter_length(self, n: int) -> int:
        return self.k * n

    trace_targets = ("counter", "block")

    def _trace(self, toks: Tokens) -> dict[str, list]:
        """The k - 1 counters ``#a - #x`` for x = b, c, ... (the counter machine's registers)
        and the block being read (0 = the a's) after every prefix."""
        sets = self.next_symbols_all(toks)
        counts, block = [0] * self.k, 0
        counter, blocks = [(0,) * (self.k - 1)], [0]
        for i, t in enumerate(toks):
            if not sets[i + 1]:
                break
            j = self.alphabet.index(t)
            counts[j] += 1
            block = j
            counter.append(tuple(counts[0] - c for c in counts[1:]))
            blocks.append(block)
        n = len(toks)
        return {"counter": self._pad_dead(counter, n), "block": self._pad_dead(blocks, n)}

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


# Operator symbols and arities, measured from the paper's public data (every string of
# Boolean-3/Boolean-5 parses as a prefix expression with exactly these arities).
BOOLEAN_OPERATORS = {
    3: (("~", 1), ("+", 2), (">", 3)),
    5: (("~", 1), ("+", 2), ("<", 3), ("*", 4), ("-", 5)),
}


class Boolean(ScanLanguage):
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

    def __init__(self, n: int = 3):
        if n not in BOOLEAN_OPERATORS:
            raise LanglabError(f"boolean: n must be one of {sorted(BOOLEAN_OPERATORS)}, got {n}")
        self.n, self.name = n, f"boolean-{n}"
        ops = BOOLEAN_OPERATORS[n]
        self.alphabet = ("0", "1") + tuple(sym for sym, _ in ops)
        self._arity = {"0": 0, "1": 0, **dict(ops)}
        # Symbols grouped by arity: (arity, symbols) in alphabet order.
        self._groups = [(0, ("0", "1"))] + [(a, (sym,)) for sym, a in ops]
        self._T: list[list[int]] = [[1]]  # _T[m][c] for c <= m
        self._all = frozenset(self.alphabet)

    def _grow(self, m: int) -> None:
        T, top = self._T, max(a for a, _ in self._groups)
        while len(T) <= m:
            prev, mm = T[-1], len(T)
            # row[c] = sum over arity a of (symbols of arity a) * prev[c - 1 + a], for c = 1..mm;
            # written as column slices of the zero-padded previous row (much faster than a loop).
            padded = prev + [0] * (top + 1)
            cols = [[len(syms) * x for x in padded[a:a + mm]] if len(syms) > 1 else padded[a:a + mm]
                    for a, syms in self._groups]
            T.append([0] + list(map(sum, zip(*cols))))

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
        T, ops = self._T, self._groups[1:]  # operators: one symbol per arity
        for rem in range(n - 1, -1, -1):
            row = T[rem]
            w = row[c - 1]  # completions after a leaf; c - 1 <= rem on every live path
            if r < w:
                out.append("0")
                c -= 1
                continue
            r -= w
            if r < w:
                out.append("1")
                c -= 1
                continue
            r -= w
            for a, (sym,) in ops:
                i = c - 1 + a
                w = row[i] if i <= rem else 0
                if r < w:
                    out.append(sym)
                    c = i
                    break
                r -= w
        return tuple(out)

    trace_targets = ("counter",)

    def _trace(self, toks: Tokens) -> dict[str, list]:
        """The count of pending operands (a one-counter stack of operator slots)."""
        pending, out = 1, [(1,)]
        for t in toks:
            if pending == 0:
                break
            pending += self._arity[t] - 1
            out.append((pending,))
        return {"counter": self._pad_dead(out, len(toks))}

    def next_symbols_all(self, s: Sequence[str] | str) -> list[frozenset[str]]:
        toks = self.tokenize(s)
        pending, out = 1, [self._all]
        for t in toks:
            if pending == 0:  # the expression is complete: nothing may follow
                break
            pending += self._arity[t] - 1
            out.append(self._all if pending else frozenset({EOS}))
        return out + [frozenset()] * (len(toks) + 1 - len(out))
