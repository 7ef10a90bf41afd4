"""An Earley recognizer that answers membership and next-token sets, one token at a time.

Used by :class:`~langlab.languages.cfg.CFGLanguage`. The chart is built incrementally, so the
next-token sets after every prefix of a string come from one pass. Nullable nonterminals are
handled at prediction time (Aycock & Horspool 2002, "Practical Earley Parsing").

Next-token sets are exact because the grammar is *trimmed* first (every nonterminal derives
some string): an item ``A -> α • t β`` in set ``k`` means the start symbol derives
``prefix t β γ`` for some ``β γ``, which in turn derive token strings — so some member starts
with ``prefix + t``; conversely every such member puts such an item in set ``k``.

>>> from langlab.languages.cfg.syntax import parse_grammar
>>> e = Earley(parse_grammar('s: "(" s ")" s |', ("(", ")")))
>>> chart = [e.first()]
>>> sorted(chart[0].scans), chart[0].accepting
(['('], True)
>>> chart.append(e.advance(chart, "("))
>>> sorted(chart[1].scans), chart[1].accepting
(['(', ')'], False)
"""

from __future__ import annotations

from langlab.languages.cfg.syntax import Grammar


class ItemSet:
    """One Earley set: its items, and who waits for which nonterminal or token."""

    __slots__ = ("items", "waiting", "scans", "accepting")

    def __init__(self):
        self.items: set[tuple[int, int, int]] = set()
        self.waiting: dict[int, list[tuple[int, int, int]]] = {}
        self.scans: dict[str, list[tuple[int, int, int]]] = {}
        self.accepting = False


class Earley:
    """Earley sets over a grammar whose productions are tuples of tokens (str) and ints."""

    def __init__(self, g: Grammar):
        self.rules: list[tuple[int, tuple]] = []
        self.by_lhs: list[list[int]] = [[] for _ in g.names]
        for lhs, alts in enumerate(g.prods):
            for rhs in alts:
                self.by_lhs[lhs].append(len(self.rules))
                self.rules.append((lhs, rhs))
        self.aug = len(self.rules)
        self.rules.append((-1, (g.start,)))
        self.nullable = nullable_set(g)

    def first(self) -> ItemSet:
        return self._close([(self.aug, 0, 0)], [])

    def advance(self, chart: list[ItemSet], token: str) -> ItemSet:
        """The set after reading ``token``, given the sets so far (``chart[-1]`` is the last)."""
        seeds = [(r, d + 1, o) for r, d, o in chart[-1].scans.get(token, ())]
        return self._close(seeds, chart)

    def _close(self, seeds: list, chart: list[ItemSet]) -> ItemSet:
        k, S = len(chart), ItemSet()
        rules, by_lhs, nullable = self.rules, self.by_lhs, self.nullable
        items, work, predicted = S.items, [], set()

        def add(item):
            if item not in items:
                items.add(item)
                work.append(item)

        for item in seeds:
            add(item)
        while work:
            item = work.pop()
            rid, dot, org = item
            lhs, rhs = rules[rid]
            if dot == len(rhs):
                if rid == self.aug:
                    S.accepting = True
                    continue
                # Items waiting in set ``org``; when org == k, later arrivals are advanced by
                # the nullable rule below (lhs derived the empty string, so it is nullable).
                for r2, d2, o2 in list((S if org == k else chart[org]).waiting.get(lhs, ())):
                    add((r2, d2 + 1, o2))
                continue
            sym = rhs[dot]
            if isinstance(sym, int):
                S.waiting.setdefault(sym, []).append(item)
                if sym not in predicted:
                    predicted.add(sym)
                    for r in by_lhs[sym]:
                        add((r, 0, k))
                if sym in nullable:
                    add((rid, dot + 1, org))
            else:
                S.scans.setdefault(sym, []).append(item)
        return S


def nullable_set(g: Grammar) -> set[int]:
    """Nonterminals that derive the empty string."""
    null: set[int] = set()
    changed = True
    while changed:
        changed = False
        for a, alts in enumerate(g.prods):
            if a not in null and any(all(isinstance(s, int) and s in null for s in rhs)
                                     for rhs in alts):
                null.add(a)
                changed = True
    return null
