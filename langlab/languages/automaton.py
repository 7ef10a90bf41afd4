"""Deterministic finite automata with exact path counting.

:class:`DFALanguage` is the engine behind every regular language: states are integers, a missing
transition goes to a dead state (``None``), and ``completions(q, m)`` — the number of accepted
suffixes of length ``m`` from state ``q`` — comes from a table grown one length at a time
(Python ints, so counts are exact at any length).

>>> par = DFALanguage("parity", ("0", "1"), start=0, accept={0},
...                   delta={0: {"0": 0, "1": 1}, 1: {"0": 1, "1": 0}})
>>> [par.count(n) for n in range(5)]
[1, 1, 2, 4, 8]
>>> sorted(par.next_symbols("1"))
['0', '1']
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from langlab.languages.base import Language, StateLanguage, Tokens, randbelow


class DFALanguage(StateLanguage):
    """A regular language given by a DFA.

    ``delta`` maps a state to ``{token: next_state}``; states may be any hashable names and are
    renumbered ``0..k-1`` internally (start first). Unreachable and dead states are trimmed, so
    ``live`` is exact and the dead state is ``None``.
    """

    def __init__(self, name: str, alphabet: Sequence[str], start, accept: Iterable,
                 delta: Mapping, *, level: str = "regular", description: str = ""):
        self.name, self.alphabet, self.level = name, tuple(alphabet), level
        self.description = description
        # Reachable states, numbered in BFS order from start.
        order, index = [start], {start: 0}
        i = 0
        while i < len(order):
            for t in self.alphabet:
                r = delta.get(order[i], {}).get(t)
                if r is not None and r not in index:
                    index[r] = len(order)
                    order.append(r)
            i += 1
        accept = set(accept)
        # Co-reachable (live) states: backward search from accepting ones.
        preds: dict[int, set[int]] = {k: set() for k in range(len(order))}
        for q in order:
            for t in self.alphabet:
                r = delta.get(q, {}).get(t)
                if r is not None:
                    preds[index[r]].add(index[q])
        live = {index[q] for q in order if q in accept}
        stack = list(live)
        while stack:
            for p in preds[stack.pop()]:
                if p not in live:
                    live.add(p)
                    stack.append(p)
        self.n_states = len(order)
        self.state_names = order
        self._accept = [order[k] in accept for k in range(len(order))]
        self._live = [k in live for k in range(len(order))]
        # Transitions into dead states are dropped: step() returns None for them.
        self._delta: list[dict[str, int]] = []
        for q in order:
            row = {}
            for t in self.alphabet:
                r = delta.get(q, {}).get(t)
                if r is not None and index[r] in live:
                    row[t] = index[r]
            self._delta.append(row)
        self._succ = [[(t, row[t]) for t in self.alphabet if t in row] for row in self._delta]
        self._table: list[list[int]] = [[int(a) for a in self._accept]]

    # -------------------------------------------------------------- StateLanguage
    def start(self) -> int | None:
        return 0 if self._live[0] else None

    def run(self, toks: Sequence[str]) -> int | None:
        q = self.start()
        delta = self._delta
        for t in toks:
            if q is None:
                return None
            q = delta[q].get(t)
        return q

    def step(self, q: int, t: str) -> int | None:
        return self._delta[q].get(t)

    trace_targets = ("state",)

    def _trace(self, toks: Tokens) -> dict[str, list]:
        """The DFA state (0..n_states-1, 0 the start) after every prefix; None once dead."""
        q, delta = self.start(), self._delta
        states = [q]
        for t in toks:
            q = None if q is None else delta[q].get(t)
            states.append(q)
        return {"state": states}

    def accepting(self, q: int) -> bool:
        return self._accept[q]

    def live(self, q: int) -> bool:
        return self._live[q]

    def _grow(self, m: int) -> None:
        table, succ = self._table, self._succ
        while len(table) <= m:
            prev = table[-1]
            table.append([sum(prev[r] for _, r in succ[q]) for q in range(self.n_states)])

    def completions(self, q: int, m: int) -> int:
        if m < 0 or q is None:
            return 0
        if m >= len(self._table):
            self._grow(m)
        return self._table[m][q]

    def count(self, n: int) -> int:
        return 0 if self.start() is None else self.completions(0, n)

    def unrank(self, n: int, r: int) -> Tokens:
        self._grow(n)
        table, succ = self._table, self._succ
        q, out = 0, []
        for rem in range(n - 1, -1, -1):
            col = table[rem]
            for t, q2 in succ[q]:
                c = col[q2]
                if r < c:
                    out.append(t)
                    q = q2
                    break
                r -= c
        return tuple(out)

    def sample_many(self, n: int, k: int, rng: np.random.Generator) -> list[Tokens]:
        total = self.count(n)
        if total == 0:
            return []
        return [self.unrank(n, randbelow(rng, total)) for _ in range(k)]


def dfa_from_language(lang: Language, max_states: int = 10_000) -> DFALanguage:
    """Build the DFA of a :class:`StateLanguage` whose reachable live state set is finite."""
    assert isinstance(lang, StateLanguage)
    start = lang.start()
    delta: dict = {}
    seen, stack = {start}, [start]
    accept = set()
    while stack:
        q = stack.pop()
        if lang.accepting(q):
            accept.add(q)
        row = {}
        for t in lang.alphabet:
            r = lang.step(q, t)
            if r is not None and lang.live(r):
                row[t] = r
                if r not in seen:
                    if len(seen) >= max_states:
                        raise ValueError(f"{lang.name}: more than {max_states} states")
                    seen.add(r)
                    stack.append(r)
        delta[q] = row
    dfa = DFALanguage(lang.name, lang.alphabet, start, accept, delta, level=lang.level,
                      description=lang.description)
    dfa.tags, dfa.paper_targets = lang.tags, lang.paper_targets  # what its file said
    return dfa
