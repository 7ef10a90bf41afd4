"""Counting and unranking the derivations of a context-free grammar, length by length.

No Chomsky normal form: each right-hand side longer than two is split into a chain of fresh
binary rules (``A -> X Y Z`` becomes ``A -> X R``, ``R -> Y Z``), a bijection on derivations.
Empty and unit rules stay. Then ``D[A][n]``, the number of derivations of strings of length
``n`` from ``A``, is a sum over rules of convolutions, computed for ``n = 0, 1, ...`` in turn;
within one length, a nonterminal is computed after those it depends on *at the same length*
(``A -> X B`` with ``X`` nullable needs ``D[B][n]``). That dependency graph is acyclic exactly
when every string has finitely many derivations; a cycle is reported by :func:`unit_cycle`.

For an unambiguous grammar, derivations and strings are in bijection, so ``D`` counts distinct
strings and :meth:`DerivationCounts.unrank` samples them exactly uniformly.

>>> from langlab.languages.cfg.syntax import parse_grammar
>>> d = DerivationCounts(parse_grammar('s: "(" s ")" s |', ("(", ")")))
>>> [d.count(n) for n in range(0, 9, 2)]
[1, 1, 2, 5, 14]
>>> d.unrank(6, 3)
('(', '(', ')', '(', ')', ')')
"""

from __future__ import annotations

from bisect import bisect_right
from operator import mul

from langlab.languages.cfg.earley import nullable_set
from langlab.languages.cfg.syntax import Grammar


def binarize(g: Grammar) -> Grammar:
    """The same grammar with right-hand sides of length <= 2 (fresh names ``owner/>``)."""
    b = Grammar(list(g.names), [[] for _ in g.prods], g.start)
    for a, alts in enumerate(g.prods):
        for rhs in alts:
            cur = a
            while len(rhs) > 2:
                r = b.new(g.names[a] + "/>")
                b.prods[cur].append((rhs[0], r))
                cur, rhs = r, rhs[1:]
            b.prods[cur].append(rhs)
    return b


def _same_length_deps(g: Grammar, null: set[int]) -> list[list[int]]:
    """``deps[A]``: nonterminals B with ``A -> α B β``, α and β nullable (a unit-like step)."""
    deps: list[list[int]] = [[] for _ in g.prods]
    for a, alts in enumerate(g.prods):
        for rhs in alts:
            for i, s in enumerate(rhs):
                if isinstance(s, int) and all(isinstance(o, int) and o in null
                                              for j, o in enumerate(rhs) if j != i):
                    deps[a].append(s)
    return deps


def unit_cycle(g: Grammar) -> list[int] | None:
    """A cycle ``A => ... => A`` through unit-like steps (then ``A`` is infinitely ambiguous)."""
    return _toposort(_same_length_deps(g, nullable_set(g)))[1]


def _toposort(deps: list[list[int]]) -> tuple[list[int], list[int] | None]:
    """Dependencies-first order, or the first cycle found (iterative DFS)."""
    state = [0] * len(deps)  # 0 new, 1 on the stack, 2 done
    order: list[int] = []
    for root in range(len(deps)):
        if state[root]:
            continue
        stack = [(root, 0)]
        state[root] = 1
        while stack:
            node, i = stack[-1]
            if i < len(deps[node]):
                stack[-1] = (node, i + 1)
                nxt = deps[node][i]
                if state[nxt] == 1:
                    path = [n for n, _ in stack]
                    return order, path[path.index(nxt):]
                if state[nxt] == 0:
                    state[nxt] = 1
                    stack.append((nxt, 0))
            else:
                stack.pop()
                state[node] = 2
                order.append(node)
    return order, None


class DerivationCounts:
    """Exact derivation counts ``count(n)`` of the start symbol and unranking of derivations.

    The grammar must be free of unit cycles (see :func:`unit_cycle`).
    """

    def __init__(self, g: Grammar):
        self.g = b = binarize(g)
        self.null = nullable_set(b)
        order, cycle = _toposort(_same_length_deps(b, self.null))
        if cycle is not None:
            raise ValueError("the grammar has a unit cycle; derivation counts are infinite")
        self.order = order
        self.cnt: list[list[int]] = [[] for _ in b.prods]
        self.cum: list[list[list[int]]] = [[] for _ in b.prods]
        self._splits: dict[tuple[int, int, int], tuple[list[int], list[int]]] = {}

    def count(self, n: int, nt: int | None = None) -> int:
        if n < 0:
            return 0
        self._grow(n)
        return self.cnt[self.g.start if nt is None else nt][n]

    def _grow(self, top: int) -> None:
        cnt, cum, prods, null = self.cnt, self.cum, self.g.prods, self.null
        for n in range(len(cnt[0]), top + 1):
            for a in self.order:
                total, acc = 0, []
                for rhs in prods[a]:
                    total += self._rule_count(rhs, n, cnt, null)
                    acc.append(total)
                cum[a].append(acc)
                cnt[a].append(total)

    @staticmethod
    def _rule_count(rhs: tuple, n: int, cnt: list[list[int]], null: set[int]) -> int:
        if not rhs:
            return int(n == 0)
        if len(rhs) == 1:
            x = rhs[0]
            return int(n == 1) if isinstance(x, str) else cnt[x][n]
        x, y = rhs
        if isinstance(x, str):
            return int(n == 2) if isinstance(y, str) else (cnt[y][n - 1] if n else 0)
        if isinstance(y, str):
            return cnt[x][n - 1] if n else 0
        if n == 0:
            return cnt[x][0] * cnt[y][0] if x in null and y in null else 0
        cx, cy = cnt[x], cnt[y]
        s = sum(map(mul, cx[1:n], reversed(cy[1:n]))) if n >= 2 else 0
        if x in null:
            s += cx[0] * cy[n]
        if y in null:
            s += cx[n] * cy[0]
        return s

    def unrank(self, n: int, r: int, nt: int | None = None) -> tuple[str, ...]:
        """The derivation of rank ``r`` among those of length ``n`` (its token string)."""
        self._grow(n)
        prods, cnt, out = self.g.prods, self.cnt, []
        stack = [(self.g.start if nt is None else nt, n, r)]
        while stack:
            sym, n, r = stack.pop()
            if isinstance(sym, str):
                out.append(sym)
                continue
            acc = self.cum[sym][n]
            i = bisect_right(acc, r)
            r -= acc[i - 1] if i else 0
            rhs = prods[sym][i]
            if len(rhs) == 1:
                stack.append((rhs[0], n, r))
            elif len(rhs) == 2:
                x, y = rhs
                if isinstance(x, str):
                    stack.append((y, n - 1, r))
                    stack.append((x, 1, 0))
                elif isinstance(y, str):
                    stack.append((y, 1, 0))
                    stack.append((x, n - 1, r))
                else:
                    ms, acc2 = self._split(x, y, n)
                    j = bisect_right(acc2, r)
                    r -= acc2[j - 1] if j else 0
                    m = ms[j]
                    rx, ry = divmod(r, cnt[y][n - m])
                    stack.append((y, n - m, ry))
                    stack.append((x, m, rx))
        return tuple(out)

    def _split(self, x: int, y: int, n: int) -> tuple[list[int], list[int]]:
        key = (x, y, n)
        got = self._splits.get(key)
        if got is None:
            cx, cy, ms, acc, total = self.cnt[x], self.cnt[y], [], [], 0
            for m in range(n + 1):
                c = cx[m] * cy[n - m]
                if c:
                    total += c
                    ms.append(m)
                    acc.append(total)
            got = self._splits[key] = (ms, acc)
        return got


def possible_lengths(g: Grammar, top: int) -> list[bool]:
    """``[some string of length n derives from the start symbol for n in 0..top]``.

    Boolean, so it works for every grammar, cycles included (iterated to a fixpoint per length).
    """
    b = binarize(g)
    can: list[list[bool]] = [[] for _ in b.prods]

    def rule(rhs: tuple, n: int) -> bool:
        if not rhs:
            return n == 0
        if len(rhs) == 1:
            x = rhs[0]
            return n == 1 if isinstance(x, str) else can[x][n]
        x, y = rhs
        for m in range(n + 1):
            okx = (m == 1) if isinstance(x, str) else can[x][m]
            oky = (n - m == 1) if isinstance(y, str) else can[y][n - m]
            if okx and oky:
                return True
        return False

    for n in range(top + 1):
        for a in range(len(b.prods)):
            can[a].append(False)
        changed = True
        while changed:
            changed = False
            for a, alts in enumerate(b.prods):
                if not can[a][n] and any(rule(rhs, n) for rhs in alts):
                    can[a][n] = True
                    changed = True
    return can[b.start]
