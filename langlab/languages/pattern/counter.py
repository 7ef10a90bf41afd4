"""Counter patterns (:class:`CounterLanguage`): blocks ``unit^(Σ coef·var + const)`` under
conditions; counting, uniform sampling and next-token sets as described in
:mod:`langlab.languages.pattern`.

>>> from langlab.languages.pattern import pattern_language
>>> L = pattern_language("anbmcnm", ("a", "b", "c"), ["a^n", "b^m", "c^(n+m)"], "n >= 1")
>>> [L.count(k) for k in range(7)]
[0, 0, 1, 0, 2, 0, 3]
"""

from __future__ import annotations

import itertools

import numpy as np

from langlab.errors import LanglabError
from langlab.languages.base import EOS, Tokens, randbelow
from langlab.languages.pattern.base import PatternBase

MAX_ASSIGNMENTS = 2_000_000
_CMP = {"=": int.__eq__, "!=": int.__ne__, "<": int.__lt__, "<=": int.__le__,
        ">": int.__gt__, ">=": int.__ge__}


class CounterLanguage(PatternBase):
    """Blocks ``unit^(Σ coef·var + const)`` under conditions (see the module docstring)."""

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        p = self.pattern
        self.units = [b[0] for b in p.blocks]
        self.exps = [(b[1], b[2]) for b in p.blocks]
        self.single = all(len(u) == 1 for u in self.units)
        self.weight = {v: sum(len(u) * c.get(v, 0) for u, (c, _) in zip(self.units, self.exps))
                       for v in p.variables}
        self.base = sum(len(u) * k for u, (_, k) in zip(self.units, self.exps))
        # One variable that every member's length grows with: the language's parameter.
        if len(p.variables) == 1 and self.weight[p.variables[0]] > 0:
            self.parameter = p.variables[0]
        self._forms: dict[int, list[tuple]] = {}
        self._feasible_memo: dict[tuple, bool] = {}

    def parameter_length(self, n: int) -> int:
        if self.parameter is None:
            return super().parameter_length(n)
        return self.weight[self.parameter] * n + self.base

    # ------------------------------------------------------------------ counting
    def _ok(self, x: dict[str, int]) -> bool:
        return all(_CMP[op](x[v], x[r] if isinstance(r, str) else r)
                   for v, op, r in self.pattern.conditions)

    def forms(self, n: int) -> list[tuple]:
        """Sorted canonical forms of the distinct members of length ``n``."""
        if n not in self._forms:
            found, work, vs = set(), 0, self.pattern.variables
            for x in self._assignments(vs, n - self.base, {}):
                work += 1
                if work > MAX_ASSIGNMENTS:
                    raise LanglabError(f"{self.name}: too many variable assignments at length {n}"
                                       f" (more than {MAX_ASSIGNMENTS}) to count exactly")
                if self._ok(x):
                    found.add(self._form([c_ + sum(c.get(v, 0) * x[v] for v in c)
                                          for c, c_ in self.exps]))
            self._forms[n] = sorted(found)
        return self._forms[n]

    def _assignments(self, vs: list[str], rest: int, x: dict[str, int]):
        if rest < 0:
            return
        if not vs:
            if rest == 0:
                yield x
            return
        v, w = vs[0], self.weight[vs[0]]
        if len(vs) == 1:
            if rest % w == 0:
                x[v] = rest // w
                yield x
            return
        for val in range(rest // w + 1):
            x[v] = val
            yield from self._assignments(vs[1:], rest - val * w, x)

    def _form(self, e: list[int]) -> tuple:
        if not self.single:
            return tuple(t for u, k in zip(self.units, e) for _ in range(k) for t in u)
        runs: list[list] = []
        for u, k in zip(self.units, e):
            if k:
                if runs and runs[-1][0] == u[0]:
                    runs[-1][1] += k
                else:
                    runs.append([u[0], k])
        return tuple((t, k) for t, k in runs)

    def _expand(self, form: tuple) -> Tokens:
        return form if not self.single else tuple(t for t, k in form for _ in range(k))

    def count(self, n: int) -> int:
        return len(self.forms(n)) if n >= 0 else 0

    def sample(self, n: int, rng: np.random.Generator) -> Tokens | None:
        fs = self.forms(n) if n >= 0 else []
        return self._expand(fs[randbelow(rng, len(fs))]) if fs else None

    def enumerate(self, n: int):
        rank = {t: i for i, t in enumerate(self.alphabet)}
        words = [self._expand(f) for f in (self.forms(n) if n >= 0 else [])]
        yield from sorted(words, key=lambda w: [rank[t] for t in w])

    # ------------------------------------------------------------------ prefixes
    def next_symbols_all(self, s) -> list[frozenset[str]]:
        toks = self.tokenize(s)
        states = self._closure({(0, (), 0, 0)})
        out = []
        for t in toks:
            out.append(self._set(states))
            states = self._closure({r for q in states if (r := self._step(q, t))})
        out.append(self._set(states))
        return out

    def accepts(self, s) -> bool:
        states = self._closure({(0, (), 0, 0)})
        for t in self.tokenize(s):
            states = self._closure({r for q in states if (r := self._step(q, t))})
            if not states:
                return False
        return any(q[0] == len(self.units) for q in states)

    def _set(self, states: set) -> frozenset[str]:
        # A state is kept only when feasible, and a feasible state's closure contains it.
        nxt = {t for q in states for t in self.alphabet
               if (r := self._step(q, t)) is not None and self._feasible(r)}
        if any(q[0] == len(self.units) for q in states):
            nxt.add(EOS)
        return frozenset(nxt)

    def _step(self, q: tuple, t: str) -> tuple | None:
        j, pinned, done, u = q
        if j == len(self.units) or self.units[j][u] != t:
            return None
        return (j, pinned, done + 1, 0) if u + 1 == len(self.units[j]) else (j, pinned, done, u + 1)

    def _closure(self, states: set) -> set:
        """Add block closings (a finished block's exponent becomes fixed); keep feasible ones."""
        out, stack = set(), list(states)
        while stack:
            q = stack.pop()
            if q in out or not self._feasible(q):
                continue
            out.add(q)
            j, pinned, done, u = q
            if j < len(self.units) and u == 0:
                stack.append((j + 1, pinned + (done,), 0, 0))
        return out

    def _feasible(self, q: tuple) -> bool:
        j, pinned, done, u = q
        key = (pinned, done + (u > 0) if j < len(self.units) else None)
        if key not in self._feasible_memo:
            self._feasible_memo[key] = self._solve(*key)
        return self._feasible_memo[key]

    def _solve(self, pinned: tuple, lower: int | None) -> bool:
        """Is there x >= 0 with exponent k == pinned[k] (k < j) and exponent j >= lower?"""
        eqs = [(self.exps[k][0], pinned[k] - self.exps[k][1]) for k in range(len(pinned))]
        if any(rhs < 0 or (not c and rhs) for c, rhs in eqs):
            return False
        tied = sorted({v for c, _ in eqs for v in c})
        free = [v for v in self.pattern.variables if v not in tied]
        for x in self._tied(eqs, 0, {}):
            if self._free_ok(dict(x), free, lower, len(pinned)):
                return True
        return False

    def _tied(self, eqs: list, k: int, x: dict):
        """Assignments of the variables of equations k.. consistent with x (backtracking)."""
        if k == len(eqs):
            yield x
            return
        coefs, rhs = eqs[k]
        rest = rhs - sum(c * x[v] for v, c in coefs.items() if v in x)
        open_ = [v for v in coefs if v not in x]
        if rest < 0:
            return
        if not open_:
            if rest == 0:
                yield from self._tied(eqs, k + 1, x)
            return
        *head, last = open_
        for vals in itertools.product(*(range(rest // coefs[v] + 1) for v in head)):
            r = rest - sum(coefs[v] * a for v, a in zip(head, vals))
            if r >= 0 and r % coefs[last] == 0:
                y = dict(x, **dict(zip(head, vals)), **{last: r // coefs[last]})
                yield from self._tied(eqs, k + 1, y)

    def _free_ok(self, x: dict, free: list[str], lower: int | None, j: int) -> bool:
        """Can the free variables be chosen so that every condition holds and exponent j
        reaches ``lower``? Exact by trying few values (see the module docstring): a solution
        stays one when each value moves up to the top of its gap between constants, keeping
        the order, and the values above every constant move to H+1.. (H above the bound)."""
        consts = {r for _, _, r in self.pattern.conditions if isinstance(r, int)} | set(x.values())
        top = max(consts, default=0) + 1
        exp_c, exp_k = self.exps[j] if lower is not None else ({}, 0)
        need = 0 if lower is None else lower - exp_k
        high = top + max(need, 0)
        k = len(free)
        cands = sorted({c - d for c in consts | {top} for d in range(k + 1) if 0 <= c - d < top}
                       | {high + i for i in range(1, k + 1)})
        for vals in itertools.product(cands, repeat=k):
            y = dict(x, **dict(zip(free, vals)))
            if self._ok(y) and sum(c * y[v] for v, c in exp_c.items()) >= need:
                return True
        return False
